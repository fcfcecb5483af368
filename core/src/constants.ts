/** Limits and sizes shared by every part of core. Changing one is a protocol change. */

/** Version written in every entry; entries of another version are rejected. */
export const ENTRY_VERSION = 1

/**
 * Largest encoded entry accepted. 64 KiB holds a long message with room for
 * metadata, keeps one gossipsub frame small, and bounds what a peer can make
 * us allocate per entry. Files travel as blobs, not inside entries.
 */
export const MAX_ENTRY_BYTES = 64 * 1024

/** Most parents one entry may name (a writer names the heads it has seen). */
export const MAX_PARENTS = 32

export const PUBLIC_KEY_BYTES = 32
export const ENTRY_ID_BYTES = 32
export const SIGNATURE_BYTES = 64
export const GROUP_SECRET_BYTES = 32
export const EPOCH_KEY_BYTES = 32
/** An epoch other than the first is named by the first bytes of the id of the rekey entry that made it. */
export const EPOCH_ID_BYTES = 16
export const NONCE_BYTES = 24
export const AEAD_TAG_BYTES = 16

/** Times are ms since 1970; anything outside [0, 2^48) is malformed (year 10889). */
export const MAX_TIME = 2 ** 48

/** Longest message text, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 16_000
/** Longest group name, topic or display name. */
export const MAX_NAME_LENGTH = 200
export const MAX_TOPIC_LENGTH = 2_000
export const MAX_MENTIONS = 64
export const MAX_EMOJI_LENGTH = 32
/** A poll offers 2 to 10 options, each a short text (chat/polls.ts). */
export const MIN_POLL_OPTIONS = 2
export const MAX_POLL_OPTIONS = 10
export const MAX_POLL_OPTION_LENGTH = 200

/** Entries held while they wait for missing parents; beyond this the oldest are dropped and fetched again by sync. */
export const MAX_PENDING_ENTRIES = 50_000

/**
 * Recent entries an open group keeps in memory beside its heads and authors'
 * tips, for the parents of what arrives next; older ones are read back from
 * the store (Store.getFacts) when a late child names them.
 */
export const RECENT_ENTRIES = 256

/** Iterations of SHA-512 behind a fingerprint, as Signal does, to make a colliding key costlier to find. */
export const FINGERPRINT_ITERATIONS = 5200

/** Longest a disappearing message lives: the group timer's longest setting, 4 weeks. */
export const MAX_DISAPPEARING_MS = 28 * 24 * 3600 * 1000
/** Shortest group timer an admin may set: 5 minutes. */
export const MIN_GROUP_TIMER_S = 300
/** Shortest per-message timer a writer may set. */
export const MIN_DISAPPEARING_MS = 5_000
/**
 * An erased entry (a disappearing message past its deadline) is taken from a
 * peer only once its deadline has passed here too, give or take this much
 * clock difference; earlier, a peer could strip a live message.
 */
export const ERASED_EARLY_TOLERANCE_MS = 60_000

/** Files one message may carry. */
export const MAX_FILES_PER_MESSAGE = 10
export const MAX_FILE_NAME_LENGTH = 255
export const MAX_FILE_TYPE_LENGTH = 127
/** An image's placeholder: a ThumbHash is ~25 bytes. */
export const MAX_THUMB_BYTES = 256
/** The largest file the format can carry (its manifest fits in one blob): ~1.9 GB. A device's own limit is lower (100 MB by default). */
export const MAX_FILE_SIZE = 7_700 * 256 * 1024
