import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

interface StoredRecord {
    id: string;
    data: object;
    /** `model:id` of each association, in the order given. */
    keys: Array<string>;
}

export const keyOf = (association: RocketChatAssociationRecord) => `${association.getModel()}:${association.getID()}`;

/** Stored data goes through JSON, as it does through Rocket.Chat's Mongo: no shared references, no `undefined` fields. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/**
 * App persistence as Rocket.Chat implements it (a collection of
 * `{appId, associations, data}`):
 * - read/removeByAssociation(s) find records having ALL the given associations
 *   (`$all`); remove deletes every one of them (`deleteMany`, Rocket.Chat 7/8) and
 *   answers undefined when none matched;
 * - updateByAssociation(s) queries `{associations: <the given list>}`, so it only
 *   matches a record whose associations are exactly that list; without upsert an
 *   update that matches nothing changes nothing (kept in `unmatchedUpdates`);
 * - update by id is not implemented there, so it throws here too.
 */
export class FakePersistence implements IPersistence, IPersistenceRead {
    /** Updates that matched no record and did not upsert: on Rocket.Chat they are silently lost. */
    public readonly unmatchedUpdates: Array<{ keys: Array<string>; data: object }> = [];
    private records: Array<StoredRecord> = [];
    private nextId = 1;

    public async create(data: object): Promise<string> {
        return this.insert(data, []);
    }

    public async createWithAssociation(data: object, association: RocketChatAssociationRecord): Promise<string> {
        return this.insert(data, [association]);
    }

    public async createWithAssociations(data: object, associations: Array<RocketChatAssociationRecord>): Promise<string> {
        return this.insert(data, associations);
    }

    public async read(id: string): Promise<object> {
        const record = this.records.filter((r) => r.id === id)[0];
        return record ? copy(record.data) : {};
    }

    public async readByAssociation(association: RocketChatAssociationRecord): Promise<Array<object>> {
        return this.readByAssociations([association]);
    }

    public async readByAssociations(associations: Array<RocketChatAssociationRecord>): Promise<Array<object>> {
        return this.having(associations).map((r) => copy(r.data));
    }

    public async update(id: string, data: object, upsert?: boolean): Promise<string> {
        throw new Error('Not implemented.');
    }

    public async updateByAssociation(association: RocketChatAssociationRecord, data: object, upsert = false): Promise<string> {
        return this.updateByAssociations([association], data, upsert);
    }

    public async updateByAssociations(associations: Array<RocketChatAssociationRecord>, data: object, upsert = false): Promise<string> {
        const keys = associations.map(keyOf);
        const same = this.records.filter((r) => r.keys.length === keys.length && r.keys.every((k, i) => k === keys[i]))[0];
        if (same) {
            same.data = copy(data);
            return same.id;
        }
        if (upsert) {
            return this.insert(data, associations);
        }
        this.unmatchedUpdates.push({ keys, data: copy(data) });
        return '';
    }

    public async remove(id: string): Promise<object> {
        const record = this.records.filter((r) => r.id === id)[0];
        this.records = this.records.filter((r) => r.id !== id);
        return record ? copy(record.data) : (undefined as unknown as object);
    }

    public async removeByAssociation(association: RocketChatAssociationRecord): Promise<Array<object>> {
        return this.removeByAssociations([association]);
    }

    /** Like Rocket.Chat 7/8: deletes every matching record and returns their data (undefined when none matched). */
    public async removeByAssociations(associations: Array<RocketChatAssociationRecord>): Promise<Array<object>> {
        const found = this.having(associations);
        if (found.length === 0) {
            return undefined as unknown as Array<object>;
        }
        this.records = this.records.filter((r) => found.indexOf(r) < 0);
        return found.map((r) => copy(r.data));
    }

    // ---- for tests ----

    /** Number of stored records. */
    public get size(): number {
        return this.records.length;
    }

    /** Data of the records having every given association (no call counted). */
    public peek<T = { [key: string]: unknown }>(...associations: Array<RocketChatAssociationRecord>): Array<T> {
        return this.having(associations).map((r) => copy(r.data) as unknown as T);
    }

    /** Data of the records having an association whose `model:id` starts with `prefix` (no call counted). */
    public peekPrefix<T = { [key: string]: unknown }>(prefix: string): Array<T> {
        return this.records.filter((r) => r.keys.some((k) => k.startsWith(prefix))).map((r) => copy(r.data) as unknown as T);
    }

    /** The association keys (`model:id`) of the records having every given association. */
    public keysOf(...associations: Array<RocketChatAssociationRecord>): Array<Array<string>> {
        return this.having(associations).map((r) => r.keys.slice());
    }

    private insert(data: object, associations: Array<RocketChatAssociationRecord>): string {
        if (typeof data !== 'object' || data === null) {
            throw new Error('Attempted to store an invalid data type, it must be an object.');
        }
        const id = `rec-${this.nextId++}`;
        this.records.push({ id, data: copy(data), keys: associations.map(keyOf) });
        return id;
    }

    private having(associations: Array<RocketChatAssociationRecord>): Array<StoredRecord> {
        if (associations.length === 0) {
            return [];
        }
        const wanted = associations.map(keyOf);
        return this.records.filter((r) => wanted.every((k) => r.keys.indexOf(k) !== -1));
    }
}
