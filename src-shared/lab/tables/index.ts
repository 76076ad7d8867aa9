export * from './tokens';
export * from './routes';
export * from './neighbours';
export * from './hosts';
export * from './zone';
export * from './zone-answer';
export * from './dhcpd';
