// Sans-IO TCP endpoint for PacketLab hosts. See README.md.
export { TcpSocket, formatDuration } from './socket';
export { Cubic, Reno, createCongestionControl, type CongestionAlgorithm, type CongestionControl } from './congestion';
export { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq';
export * from './types';
