// Query shapes from the driver's command monitoring, and the check that an index serves each one: the index key
// starts with every equality field of the filter (any order), and an unfiltered or range-only query's index
// starts with its first sort or range field. `_id` equality is always served by the built-in _id index.
import type { CommandStartedEvent, Document, IndexDescription } from 'mongodb';

export interface QueryShape {
  readonly collection: string;
  readonly command: string;
  readonly equality: readonly string[];
  readonly range: readonly string[];
  readonly sort: readonly string[];
}

const READ_WRITE_COMMANDS = new Set(['find', 'findAndModify', 'update', 'delete', 'count', 'aggregate']);

/** The shapes one started command carries ($or branches are shapes of their own); none for other commands. */
export function shapesOf(event: CommandStartedEvent): QueryShape[] {
  const name = event.commandName;
  if (!READ_WRITE_COMMANDS.has(name)) return [];
  const command = event.command as Document;
  const collection = String(command[name]);
  const filtered = (filter: Document | undefined, sort: Document | undefined): QueryShape[] =>
    branches(filter ?? {}).map((branch) => ({ collection, command: name, ...fieldsOf(branch), sort: sortFields(sort) }));
  switch (name) {
    case 'find':
      return filtered(command.filter, command.sort);
    case 'findAndModify':
      return filtered(command.query, command.sort);
    case 'count':
      return filtered(command.query, undefined);
    case 'update':
      return (command.updates as Document[]).flatMap((u) => filtered(u.q, undefined));
    case 'delete':
      return (command.deletes as Document[]).flatMap((d) => filtered(d.q, undefined));
    default: {
      const pipeline = command.pipeline as Document[];
      return filtered(pipeline.find((stage) => '$match' in stage)?.$match, pipeline.find((stage) => '$sort' in stage)?.$sort);
    }
  }
}

// The driver sends a find's sort as a Map (its key order is the sort order); a pipeline's $sort is a document.
const sortFields = (sort: Document | Map<string, unknown> | undefined): string[] => (sort instanceof Map ? [...sort.keys()] : Object.keys(sort ?? {}));

/** A top-level $or is answered branch by branch (one index each); $and is flattened into one filter. */
function branches(filter: Document): Document[] {
  const { $or, $and, ...rest } = filter;
  const base = Object.assign({}, rest, ...((($and as Document[] | undefined) ?? [])));
  if (!Array.isArray($or)) return [base];
  return ($or as Document[]).flatMap((branch) => branches({ ...base, ...branch }));
}

function fieldsOf(filter: Document): { equality: string[]; range: string[] } {
  const equality: string[] = [];
  const range: string[] = [];
  for (const [field, value] of Object.entries(filter)) {
    const operators = isPlainObject(value) ? Object.keys(value).filter((k) => k.startsWith('$')) : [];
    if (operators.length === 0 || operators.every((op) => op === '$eq' || op === '$in')) equality.push(field);
    else range.push(field);
  }
  return { equality, range };
}

const isPlainObject = (value: unknown): value is Document =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** The declared index that serves `shape`, or null when none does. */
export function servingIndex(shape: QueryShape, indexes: readonly IndexDescription[]): string | null {
  if (shape.equality.includes('_id')) return '_id_';
  for (const index of indexes) {
    const fields = Object.keys(index.key as Document);
    if (shape.equality.length > 0) {
      const prefix = fields.slice(0, shape.equality.length);
      if (prefix.length === shape.equality.length && shape.equality.every((f) => prefix.includes(f))) return index.name ?? fields.join('_');
    } else {
      const leading = [shape.sort[0], ...shape.range].filter((f): f is string => f !== undefined);
      if (leading.includes(fields[0]!)) return index.name ?? fields.join('_');
    }
  }
  // Range or sort on _id alone is served by the _id index too.
  if (shape.equality.length === 0 && (shape.range.includes('_id') || shape.sort[0] === '_id')) return '_id_';
  return null;
}

/** "collection command eq[...] range[...] sort[...]": one line per distinct shape. */
export function describeShape(shape: QueryShape): string {
  return `${shape.collection} ${shape.command} eq[${[...shape.equality].sort().join(',')}] range[${[...shape.range].sort().join(',')}] sort[${shape.sort.join(',')}]`;
}
