// Sans-IO TCP endpoint for PacketLab hosts. See README.md.
export { TcpSocket, formatDuration } from './socket';
export { Cubic, Reno, createCongestionControl, type CongestionAlgorithm, type CongestionControl } from './congestion';
export { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq';
export * from './types';
export { TcpSocketSet, type TcpSetEvent, type TcpSetOutput, type TcpSocketSetOptions } from './socket-set';
export { LinkHarness, type LinkOptions, type WireRecord } from './link-harness';
export { framesAtA, framesToPcapng, type CapturedFrame } from './capture';
