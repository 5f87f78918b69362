/**
 * Safe YAML input (config and policy files) with positions kept for errors, and its
 * conversion to the JSON values CSCS signs.
 */
package dev.cscs.core.yaml;
