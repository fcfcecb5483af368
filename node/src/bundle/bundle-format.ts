/** The bundle file's format is core's (core/src/bundle/bundle-format.ts), shared with the web app; named here for the daemon's tests. */
export { BUNDLE_HEADER_BYTES, BUNDLE_MAGIC, BUNDLE_VERSION, BundleReader, BundleWriter } from '@causette/core/backups'
