/**
 * The command schemas, re-exported from the machines (where they are the machines' event
 * vocabulary) so that callers find them under the engine too.
 */
export * from '../machines/commands.js';
