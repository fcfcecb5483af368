/**
 * The members panel: who is in the group, their role, who is online; for
 * each other member the safety number both of you see (with its QR code,
 * and a camera scan of theirs where the browser allows it: QrScan.tsx)
 * and "mark as verified" once you compared it; for admins, changing a
 * member's role and removing them.
 */
import { fromHex, type Role, safetyNumber } from '@causette/core'
import { type Component, createMemo, createSignal, For, Show } from 'solid-js'
import { renderSVG } from 'uqr'
import { AppDialog } from '../app/AppDialog.tsx'
import { personMessage } from '../app/person-message.ts'
import { useSession } from '../app/session.ts'
import { createMembers, type MemberView } from './create-members.ts'
import { cameraAvailable, QrScan } from './QrScan.tsx'

const ROLES: Role[] = ['member', 'moderator', 'admin']

export const MembersDialog: Component<{ groupId: string; groupName: string }> = (props) => {
  const session = useSession()
  const [members, refresh] = createMembers(session.peer, session.identity, props.groupId, session.peer.libp2p.services.groups.personKey())
  const [error, setError] = createSignal<string>()
  const amAdmin = (): boolean => members().some((m) => m.me && m.role === 'admin')
  const byKey = createMemo(() => new Map(members().map((m) => [m.key, m])))
  const act = async (what: () => Promise<unknown>): Promise<void> => {
    try {
      await what()
      setError(undefined)
      refresh()
    } catch (err) {
      setError(personMessage(err))
    }
  }
  return (
    <AppDialog trigger="Members" triggerClass="members-button" title={`Members of ${props.groupName}`} error={error()}>
      <ul class="member-list">
        {/* a row per member key, kept as the list refreshes (presence, a verification): an open safety number, digits being typed or a scan stay */}
        <For each={members().map((m) => m.key)}>
          {(key) => (
            <Show when={byKey().get(key)}>
              {(member) => (
                <MemberRow
                  member={member()}
                  amAdmin={amAdmin()}
                  onVerify={(number) => act(() => session.identity.setVerified(key, number))}
                  onRole={(role) => act(() => session.peer.setRole(props.groupId, key, role))}
                  onRemove={() => act(() => session.peer.removeMember(props.groupId, key))}
                />
              )}
            </Show>
          )}
        </For>
      </ul>
    </AppDialog>
  )
}

interface MemberRowProps {
  member: MemberView
  amAdmin: boolean
  onVerify: (safetyNumber: string | undefined) => void
  onRole: (role: Role) => void
  onRemove: () => void
}

const MemberRow: Component<MemberRowProps> = (props) => {
  const session = useSession()
  // between people: the same number on every device of either (docs/devices.md)
  const number = (): string => safetyNumber(fromHex(session.peer.libp2p.services.groups.personKey()), fromHex(props.member.key))
  const [typed, setTyped] = createSignal('')
  const [mismatch, setMismatch] = createSignal(false)
  return (
    <li class="member">
      <div class="member-head">
        <span class="author">{props.member.me ? `${props.member.name} (you)` : props.member.name}</span>
        <span class="hint">{props.member.role}</span>
        <span class="presence" classList={{ online: props.member.presence === 'online' }}>
          {props.member.presence === 'offline' && props.member.lastSeen !== undefined
            ? `last seen ${new Date(props.member.lastSeen).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`
            : props.member.presence}
        </span>
        <Show when={props.member.verified}>
          <span class="verified">verified</span>
        </Show>
      </div>
      <Show when={!props.member.me}>
        <details>
          <summary>Safety number</summary>
          <p class="safety-number">{number()}</p>
          <div
            class="qr"
            role="img"
            aria-label={`QR code of your safety number with ${props.member.name}`}
            innerHTML={renderSVG(number(), { border: 2 })}
          />
          <p class="hint">Compare it with what {props.member.name} sees for you, in person or on a call. If it matches, mark them as verified.</p>
          <button type="button" onClick={() => props.onVerify(props.member.verified ? undefined : number())}>
            {props.member.verified ? 'Unmark as verified' : 'Mark as verified'}
          </button>
          <Show when={!props.member.verified}>
            <form
              class="row"
              onSubmit={(e) => {
                e.preventDefault()
                const same = typed().replace(/\s+/g, '') === number().replace(/\s+/g, '')
                setMismatch(!same)
                if (same) props.onVerify(number())
              }}
            >
              <label for={`digits-${props.member.key}`}>Or type the digits {props.member.name}’s device shows</label>
              <input id={`digits-${props.member.key}`} inputMode="numeric" value={typed()} onInput={(e) => setTyped(e.currentTarget.value)} />
              <button type="submit">Check</button>
            </form>
            <Show when={mismatch()}>
              <p role="alert" class="error">
                These digits are not the safety number this device computes with {props.member.name}: do not mark them verified, and check you are
                comparing with the right person, in person or on a call.
              </p>
            </Show>
            <Show when={cameraAvailable()}>
              <QrScan name={props.member.name} expected={number()} onMatch={() => props.onVerify(number())} />
            </Show>
          </Show>
        </details>
        <Show when={props.amAdmin}>
          <div class="row">
            <label for={`role-${props.member.key}`}>Role</label>
            <select id={`role-${props.member.key}`} value={props.member.role} onChange={(e) => props.onRole(e.currentTarget.value as Role)}>
              <For each={ROLES}>{(role) => <option value={role}>{role}</option>}</For>
            </select>
            <button type="button" onClick={() => props.onRemove()}>
              Remove from group
            </button>
          </div>
        </Show>
      </Show>
    </li>
  )
}
