/// <reference types="jest" />
import { Harness } from '../fakes/Harness';
import { rapidProHeaders } from '../fakes/Requests';

describe('GET /secret.check', () => {
    it('answers 204 with no body when the secret matches', async () => {
        const h = new Harness();
        const response = await h.call('secretCheck', 'get', undefined, { authorization: rapidProHeaders().authorization });
        expect(response.status).toBe(204);
        expect(response.content).toBeUndefined();
    });

    it('answers POST the same way', async () => {
        const h = new Harness();
        expect((await h.call('secretCheck', 'post', {})).status).toBe(204);
    });

    it('ignores whatever body and content type come with it', async () => {
        const h = new Harness();
        const response = await h.call('secretCheck', 'get', 'not json', { ...rapidProHeaders(), 'content-type': 'text/plain' });
        expect(response.status).toBe(204);
    });
});
