export * from './app-info';
export * from './bookmarks';
export * from './calls';
export * from './errors';
export * from './nodes';
export * from './streams';
export * from './wire';
export * from './wire-codec';
