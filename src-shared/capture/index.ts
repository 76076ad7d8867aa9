// Public API of the capture package: pcap and pcapng readers (whole file, streaming, index) and writers.
export * from './types';
export * from './linktypes';
export { formatEpoch, timestampFromBigInt, timestampToBigInt } from './timestamp';
export { CaptureStreamReader, readCapture, readCaptureStream, type CaptureFile, type ReaderOptions } from './reader';
export { CaptureIndexer, indexCapture, type CaptureIndex, type IndexerOptions } from './capture-index';
export { PcapWriter, writePcap, type PcapWriterOptions, type WritablePacket } from './pcap-writer';
export { PcapngWriter, type EnhancedPacket, type InterfaceOptions, type SectionOptions } from './pcapng-writer';
export { MAX_PCAP_RECORD, DEFAULT_MAX_BLOCK } from './decoder';
