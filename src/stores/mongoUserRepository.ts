// Users on MongoDB: the domain id as `_id`, a lower-cased UPN for the unique index, compare-and-set on version.
import type { Collection, Filter, IndexDescription } from 'mongodb';
import type { NewUser, User } from '../domain/user';
import { isPhoneKind } from '../domain/methodKinds';
import type { UserRepository } from '../ports/repositories';
import type { ClaimDocument } from './mongoVersionClaims';
import { guarded, replaceIfVersion, requireCount, requireString, requireTime, writeGuarded } from './mongoStoreSupport';

export type UserDocument = Omit<User, 'id'> & { readonly _id: string; readonly upnLower: string };

const toUserDocument = ({ id, ...rest }: User): UserDocument => ({ _id: id, upnLower: rest.upn.toLowerCase(), ...rest });
// Destructuring the index-only fields out keeps them from leaking into domain objects.
const fromUserDocument = ({ _id, upnLower, ...rest }: UserDocument): User => ({ id: _id, ...rest });

export const USER_INDEXES: IndexDescription[] = [
  { key: { upnLower: 1 }, name: 'upnLower_unique', unique: true },
  // All three fields findByPendingPhone filters on, number first (the selective one); named anew because an
  // index name cannot change its key on a deployed database (the older 'pendingPhone' is left where it exists).
  { key: { 'enrollment.step.target.number': 1, 'enrollment.step.name': 1, 'enrollment.step.target.type': 1 }, name: 'pendingPhoneStep' },
  { key: { 'methods.number': 1 }, name: 'methodPhone' },
  // Multikey: a webhook's retry finds the record its first delivery saved the answer on.
  { key: { 'answeredWebhooks.webhookId': 1 }, name: 'answeredWebhook' },
];

export class MongoUserRepository implements UserRepository {
  constructor(
    private readonly users: Collection<UserDocument>,
    private readonly claims: Collection<ClaimDocument>,
  ) {}

  async get(id: string): Promise<User | null> {
    const _id = requireString(id, 'id');
    const doc = await guarded(() => this.users.findOne({ _id }));
    return doc ? fromUserDocument(doc) : null;
  }

  async findByUpn(upn: string): Promise<User | null> {
    const upnLower = requireString(upn, 'upn').toLowerCase();
    const doc = await guarded(() => this.users.findOne({ upnLower }));
    return doc ? fromUserDocument(doc) : null;
  }

  async findByPendingPhone(e164: string): Promise<User[]> {
    const number = requireString(e164, 'e164');
    const filter: Filter<UserDocument> = {
      'enrollment.step.name': 'codeSent',
      'enrollment.step.target.type': 'phone',
      'enrollment.step.target.number': number,
    };
    const docs = await guarded(() => this.users.find(filter).sort({ _id: 1 }).toArray());
    return docs.map(fromUserDocument);
  }

  async findByMethodPhone(e164: string): Promise<User[]> {
    const number = requireString(e164, 'e164');
    // FerretDB 1.x has no $elemMatch on sub-documents: the index narrows by number, the kind is checked here.
    const docs = await guarded(() => this.users.find({ 'methods.number': number }).sort({ _id: 1 }).toArray());
    return docs
      .map(fromUserDocument)
      .filter((u) => u.methods.some((m) => isPhoneKind(m.kind) && 'number' in m && m.number === number));
  }

  async findByAnsweredWebhook(webhookId: string): Promise<User | null> {
    const id = requireString(webhookId, 'webhookId');
    const doc = await guarded(() => this.users.findOne({ 'answeredWebhooks.webhookId': id }));
    return doc ? fromUserDocument(doc) : null;
  }

  async create(input: NewUser, now: number): Promise<User> {
    const user: User = {
      id: requireString(input.id, 'id'),
      tenantId: input.tenantId,
      upn: requireString(input.upn, 'upn'),
      displayName: input.displayName,
      locale: input.locale,
      methods: [],
      defaultMethodId: null,
      enrollment: null,
      lockedUntil: null,
      createdAt: requireTime(now, 'now'),
      updatedAt: now,
      version: 1,
    };
    await writeGuarded(
      () => this.users.insertOne(toUserDocument(user)),
      async () => ((await guarded(() => this.users.countDocuments({ _id: user.id }, { limit: 1 }))) > 0 ? 'id' : 'upn'),
    );
    return user;
  }

  async replace(user: User): Promise<User | null> {
    const _id = requireString(user.id, 'id');
    const version = requireCount(user.version, 'version');
    requireString(user.upn, 'upn');
    const saved: User = { ...structuredClone(user), version: version + 1 };
    const { _id: unchanged, ...replacement } = toUserDocument(saved);
    // The only unique key a replace can change is the UPN.
    return (await writeGuarded(() => replaceIfVersion(this.users, this.claims, _id, version, replacement), async () => 'upn')) ? saved : null;
  }
}
