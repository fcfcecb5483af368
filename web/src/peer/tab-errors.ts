/** What can stop a tab from starting, in words a person understands. */

export class OtherTabError extends Error {
  override name = 'OtherTabError'
  constructor() {
    super(
      'Causette is already open in another tab of this browser, which is this device. Use that tab, or close it and this one takes over. To be a second person, open Causette in another browser profile or a private window.'
    )
  }
}
