/** `causette profile`: how this device is called, and changing it in every group. */
import type { Command } from 'commander'
import type { ProfileChangeResponse, ProfileResponse } from '../../api/api-types.ts'
import { contextOf } from '../command-context.ts'
import { count } from '../message-format.ts'

export function registerProfile(program: Command): void {
  program
    .command('profile')
    .description('show your display name and fingerprint, or set the name your groups see')
    .argument('[name...]', 'the new display name (1 to 200 characters)')
    .addHelpText(
      'after',
      '\nThe name is written into each of your groups (a `profile` entry), and into groups you join later.\nMembers who pick the same name are told apart by their fingerprints.'
    )
    .action(async (words: string[], _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const client = await connect()
      if (words.length === 0) {
        const profile = await client.get<ProfileResponse>('/v1/profile')
        out.data(profile)
        out.line(profile.name === undefined ? 'You have no display name yet: causette profile <name>' : `Your name: ${profile.name}`)
        out.line(`Your fingerprint: ${profile.fingerprint}`)
        return
      }
      const changed = await client.put<ProfileChangeResponse>('/v1/profile', { name: words.join(' ') })
      out.data(changed)
      out.line(`Your name is now ${changed.name}; written to ${count(changed.published.length, 'group')}.`)
      if (changed.pending.length > 0) {
        out.note(`${changed.pending.map((g) => g.name).join(', ')} will get it once this device holds the group's key (a member online brings it).`)
      }
    })
}
