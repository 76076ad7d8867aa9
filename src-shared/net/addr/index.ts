export * from './result';
export * from './mac';
export * from './ipv4';
export * from './ipv6';
export * from './ports';
