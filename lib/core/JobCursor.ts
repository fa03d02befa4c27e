import { IPersistence, IPersistenceRead } from '@rocket.chat/apps-engine/definition/accessors';
import { RocketChatAssociationRecord } from '@rocket.chat/apps-engine/definition/metadata';

/**
 * Where a scheduled job that works through the store a share at a time carries on
 * from: one record under its own key. Two runs that overlap (an instance that lost
 * its job lock, a run at startup) may both write it; either value is a place some
 * run reached, so the worst outcome is a share done twice, never a share skipped,
 * and the jobs that use it are safe to repeat.
 */
export class JobCursor<T extends object> {
    constructor(private readonly reader: IPersistenceRead, private readonly persis: IPersistence, private readonly key: RocketChatAssociationRecord) {}

    /**
     * The saved position, or `undefined` before the first run. Rocket.Chat's upsert is not
     * atomic, so two first runs can each insert one: `pick` chooses among them (the one
     * that does the most again), and the extra records are dropped so the next write
     * updates the only one left.
     */
    public async read(pick: (saved: Array<T>) => T = (saved) => saved[0]): Promise<T | undefined> {
        const saved = (await this.reader.readByAssociation(this.key)) as Array<T>;
        if (saved.length > 1) {
            await this.persis.removeByAssociation(this.key);
        }
        return saved.length ? pick(saved) : undefined;
    }

    public async write(position: T): Promise<void> {
        await this.persis.updateByAssociation(this.key, position, true);
    }
}
