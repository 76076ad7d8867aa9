export * from './punycode';
export * from './url';
export * from './hsts';
export * from './address-bar';
export * from './http-cache';
export * from './html';
export * from './css';
export * from './origin';
