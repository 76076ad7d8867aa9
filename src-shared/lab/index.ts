export * from './schema';
export * from './json-source';
export * from './migrations';
export * from './validate';
export * from './tables';
