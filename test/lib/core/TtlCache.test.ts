/// <reference types="jest" />
import { TtlCache } from '../../../lib/core/TtlCache';
import { Clock } from '../../fakes/Clock';

describe('TtlCache', () => {
    const counting = () => {
        let loads = 0;
        return { load: async () => ++loads, loads: () => loads };
    };

    it('loads once and serves the value until the TTL has passed', async () => {
        const clock = new Clock(0);
        const cache = new TtlCache<number>(5000, clock.now);
        const source = counting();
        expect(await cache.get(source.load)).toBe(1);
        clock.advance(4999);
        expect(await cache.get(source.load)).toBe(1);
        clock.advance(1);
        expect(await cache.get(source.load)).toBe(2);
        expect(source.loads()).toBe(2);
    });

    it('loads again after clear()', async () => {
        const cache = new TtlCache<number>(5000, new Clock(0).now);
        const source = counting();
        await cache.get(source.load);
        cache.clear();
        expect(await cache.get(source.load)).toBe(2);
    });

    it('caches undefined like any other value', async () => {
        const cache = new TtlCache<string | undefined>(5000, new Clock(0).now);
        let loads = 0;
        await cache.get(async () => { loads++; return undefined; });
        await cache.get(async () => { loads++; return undefined; });
        expect(loads).toBe(1);
    });

    it('does not keep a failed load', async () => {
        const cache = new TtlCache<number>(5000, new Clock(0).now);
        await expect(cache.get(async () => { throw new Error('down'); })).rejects.toThrow('down');
        expect(await cache.get(async () => 7)).toBe(7);
    });

    it('uses the real clock by default', async () => {
        const cache = new TtlCache<number>(60000);
        const source = counting();
        await cache.get(source.load);
        await cache.get(source.load);
        expect(source.loads()).toBe(1);
    });
});
