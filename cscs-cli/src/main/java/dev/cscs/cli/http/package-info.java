/** The HTTP client of the online verbs: requests, typed errors, TLS. */
package dev.cscs.cli.http;
