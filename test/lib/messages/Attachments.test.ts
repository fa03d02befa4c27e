/// <reference types="jest" />
import { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import { fileNameOf, toRoomAttachment, toWebhookAttachment, uploadedFiles } from '../../../lib/messages/Attachments';

const message = (extra: object) => ({ text: '', ...extra }) as unknown as IMessage;

describe('fileNameOf', () => {
    it.each([
        ['https://m.example.com/a/b/photo.jpg', 'photo.jpg'],
        ['https://m.example.com/voice%20note.ogg?sig=1#x', 'voice note.ogg'],
        ['https://m.example.com/dir/', 'dir'],
        ['https://m.example.com/bad%E0%A4%A.pdf', 'bad%E0%A4%A.pdf'],
        ['https://m.example.com/', 'm.example.com'],
    ])('names %s "%s"', (url, name) => {
        expect(fileNameOf(url)).toBe(name);
    });

    it('names 32 URLs of 4,096 slashes in linear time', () => {
        const url = `https://m.example.com/${'/'.repeat(4000)}a`;
        const started = Date.now();
        for (let i = 0; i < 32; i++) {
            expect(fileNameOf(url)).toBe('a');
        }
        expect(Date.now() - started).toBeLessThan(250);
    });

    it('falls back to "file" when there is no name at all', () => {
        expect(fileNameOf('')).toBe('file');
        expect(fileNameOf('///')).toBe('file');
    });
});

describe('toRoomAttachment', () => {
    const url = 'https://m.example.com/x.bin';
    const title = { value: 'x.bin', link: url, displayDownloadLink: true };

    it('shows image/* as an image', () => {
        expect(toRoomAttachment({ type: 'image/webp', url })).toEqual({ imageUrl: url, title });
    });
    it('shows audio/* as audio', () => {
        expect(toRoomAttachment({ type: 'audio/mpeg', url })).toEqual({ audioUrl: url, title });
    });
    it('shows video/* as video', () => {
        expect(toRoomAttachment({ type: 'video/3gpp', url })).toEqual({ videoUrl: url, title });
    });
    it('shows anything else as a titled link naming its type', () => {
        expect(toRoomAttachment({ type: 'application/vnd.ms-excel', url })).toEqual({ title, text: 'application/vnd.ms-excel' });
        expect(toRoomAttachment({ type: 'geo', url })).toEqual({ title, text: 'geo' });
    });
});

describe('uploadedFiles', () => {
    it('reads the single `file` of older servers', () => {
        expect(uploadedFiles(message({ file: { _id: 'f1', name: 'a.pdf', type: 'application/pdf' } }))).toEqual([{ _id: 'f1', name: 'a.pdf', type: 'application/pdf' }]);
    });

    it('reads every entry of the unmapped `files`, without duplicating `file`', () => {
        const files = uploadedFiles(message({
            file: { _id: 'f1', name: 'a.pdf', type: 'application/pdf' },
            _unmappedProperties_: { files: [{ _id: 'f1', name: 'a.pdf', type: 'application/pdf' }, { _id: 'f2', name: 'b.ogg', type: 'audio/ogg' }] },
        }));
        expect(files.map((f) => f._id)).toEqual(['f1', 'f2']);
    });

    // What Rocket.Chat 8.2+ hands the app for an uploaded image: `files` mapped (thumbnail marked), the raw list unmapped too.
    const imageMessage = (mapped: boolean) => {
        const original = { _id: 'img1', name: 'foto.png', type: 'image/png', size: 9000, format: 'png' };
        const thumb = { _id: 'th1', name: 'thumb-foto.png', type: 'image/png', size: 900, format: 'png', typeGroup: 'thumb' };
        const attachment = {
            type: 'file',
            title: { value: 'foto.png', link: '/file-upload/img1/foto.png', displayDownloadLink: true },
            imageUrl: '/file-upload/th1/foto.png',
            imageType: 'image/png',
        };
        return message({
            file: original,
            attachments: [attachment],
            ...(mapped && { files: [original, thumb] }),
            _unmappedProperties_: { files: mapped ? [original, thumb] : [original, { ...thumb, typeGroup: undefined }] },
        });
    };

    it('leaves out the thumbnail Rocket.Chat 8.2+ marks (typeGroup "thumb"), keeping the uploaded image once', () => {
        expect(uploadedFiles(imageMessage(true))).toEqual([{ _id: 'img1', name: 'foto.png', type: 'image/png' }]);
    });

    it('leaves out the unmarked thumbnail of older servers: shown as the image while the title links the upload', () => {
        expect(uploadedFiles(imageMessage(false))).toEqual([{ _id: 'img1', name: 'foto.png', type: 'image/png' }]);
    });

    it('prefers the mapped `files` over the unmapped copy', () => {
        const m = message({ files: [{ _id: 'a', name: 'a.txt', type: 'text/plain' }], _unmappedProperties_: { files: [{ _id: 'b', name: 'b.txt', type: 'text/plain' }] } });
        expect(uploadedFiles(m).map((f) => f._id)).toEqual(['a']);
    });

    it('keeps an image shown by its own link (no thumbnail: a small image) and every file of a multi-file message', () => {
        const m = message({
            files: [{ _id: 'p1', name: 'p.png', type: 'image/png' }, { _id: 'd1', name: 'd.pdf', type: 'application/pdf' }],
            attachments: [
                { title: { value: 'p.png', link: 'https://chat.example.com/file-upload/p1/p.png' }, imageUrl: 'https://chat.example.com/file-upload/p1/p.png' },
                { title: { value: 'd.pdf', link: '/file-upload/d1/d.pdf' } },
                { imageUrl: 'https://elsewhere.example.com/x.png' },
                null,
            ],
        });
        expect(uploadedFiles(m).map((f) => f._id)).toEqual(['p1', 'd1']);
    });

    it('reads an upload id with escapes in its link', () => {
        const m = message({
            files: [{ _id: 'a b', name: 'a.png', type: 'image/png' }, { _id: 't%', name: 'thumb-a.png', type: 'image/png' }],
            attachments: [{ title: { value: 'a.png', link: '/file-upload/a%20b/a.png' }, imageUrl: '/file-upload/t%/a.png' }],
        });
        expect(uploadedFiles(m).map((f) => f._id)).toEqual(['a b']);
    });

    it('fills in a missing name and type, and skips entries without an id', () => {
        expect(uploadedFiles(message({ _unmappedProperties_: { files: [{ _id: 'f1' }, { name: 'no-id' }, null, 'x'] } }))).toEqual([
            { _id: 'f1', name: 'file', type: 'application/octet-stream' },
        ]);
    });

    it('finds nothing in a message without files', () => {
        expect(uploadedFiles(message({}))).toEqual([]);
        expect(uploadedFiles(message({ _unmappedProperties_: { files: 'nope' } }))).toEqual([]);
    });
});

describe('toWebhookAttachment', () => {
    it('links the file on Site_Url with its MIME type, encoding id and name', () => {
        expect(toWebhookAttachment('https://chat.example.com/', { _id: 'a/b', name: 'año 1.pdf', type: 'application/pdf' })).toEqual({
            type: 'application/pdf', url: 'https://chat.example.com/file-upload/a%2Fb/a%C3%B1o%201.pdf',
        });
    });
});
