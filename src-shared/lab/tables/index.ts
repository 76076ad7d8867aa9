export * from './tokens';
export * from './routes';
export * from './neighbours';
export * from './hosts';
