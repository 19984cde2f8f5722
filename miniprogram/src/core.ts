/**
 * The shared chat core for the mini-program: everything from client/ (and, through it, the
 * protocol schemas). The build bundles this file alone into dist/core.js; every other file
 * imports shared code through it.
 */
export * from '../../client/index';
