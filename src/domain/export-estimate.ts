// The downtime an export costs: the database dump and the media archive run while Synapse is
// stopped, at rates measured on this installation (defaults until something was measured).
export interface TransferSample {
  bytes: number;
  seconds: number;
}

export const defaultDumpBytesPerSecond = 20 * 1024 * 1024;
export const defaultArchiveBytesPerSecond = 40 * 1024 * 1024;
/** Stopping Synapse and starting it again until it answers /health. */
export const stopStartSeconds = 15;

/** Bytes per second over the samples (total bytes / total time), or the fallback without any usable sample. */
export function calibratedRate(samples: TransferSample[], fallback: number): number {
  const usable = samples.filter((sample) => sample.seconds > 0 && sample.bytes > 0);
  const bytes = usable.reduce((sum, sample) => sum + sample.bytes, 0);
  const seconds = usable.reduce((sum, sample) => sum + sample.seconds, 0);
  return usable.length === 0 || seconds === 0 ? fallback : bytes / seconds;
}

export interface DowntimeEstimate {
  databaseBytes: number;
  mediaBytes: number;
  dumpBytesPerSecond: number;
  archiveBytesPerSecond: number;
  /** Whole seconds, rounded up, stop and start included. */
  seconds: number;
}

export function estimateDowntime(input: { databaseBytes: number; mediaBytes: number; dumpSamples: TransferSample[]; archiveSamples: TransferSample[] }): DowntimeEstimate {
  const dumpBytesPerSecond = calibratedRate(input.dumpSamples, defaultDumpBytesPerSecond);
  const archiveBytesPerSecond = calibratedRate(input.archiveSamples, defaultArchiveBytesPerSecond);
  const seconds = stopStartSeconds + input.databaseBytes / dumpBytesPerSecond + input.mediaBytes / archiveBytesPerSecond;
  return {
    databaseBytes: input.databaseBytes,
    mediaBytes: input.mediaBytes,
    dumpBytesPerSecond: Math.round(dumpBytesPerSecond),
    archiveBytesPerSecond: Math.round(archiveBytesPerSecond),
    seconds: Math.ceil(seconds),
  };
}
