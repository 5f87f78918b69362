/**
 * The node config file ({@code cscsd.yaml}, DESIGN.md §4): read strictly, with errors that
 * name the file, line, key and why.
 */
package dev.cscs.server.config;
