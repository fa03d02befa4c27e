import { IMessage, IMessageAttachment } from '@rocket.chat/apps-engine/definition/messages';
import { IncomingAttachment } from './VisitorMessageRequest';
import { WebhookAttachment } from './WebhookPayloads';

/** The last path segment of a URL, decoded, for a readable file title. */
export function fileNameOf(url: string): string {
    // Trailing slashes cut by hand: `/\/+$/` is quadratic on a URL of slashes (32 of them took seconds).
    let path = url.split(/[?#]/)[0];
    let end = path.length;
    while (end > 0 && path.charAt(end - 1) === '/') {
        end--;
    }
    path = path.substring(0, end);
    const last = path.substring(path.lastIndexOf('/') + 1);
    try {
        return decodeURIComponent(last) || 'file';
    } catch (e) {
        return last || 'file';
    }
}

/** A contact's attachment as Rocket.Chat shows it: media inline by MIME type, anything else as a titled link. */
export function toRoomAttachment(attachment: IncomingAttachment): IMessageAttachment {
    const { type, url } = attachment;
    const title = { value: fileNameOf(url), link: url, displayDownloadLink: true };
    if (type.startsWith('image/')) {
        return { imageUrl: url, title };
    }
    if (type.startsWith('audio/')) {
        return { audioUrl: url, title };
    }
    if (type.startsWith('video/')) {
        return { videoUrl: url, title };
    }
    return { title, text: type };
}

interface UploadedFile {
    _id: string;
    name: string;
    type: string;
}

/**
 * Files an agent uploaded with a message. Rocket.Chat 6.2+ stores several per
 * message under `files` (not mapped by the Apps-Engine, so read from the
 * unmapped properties); older servers only set `file`.
 */
export function uploadedFiles(message: IMessage): Array<UploadedFile> {
    const unmapped = (message as { _unmappedProperties_?: { files?: unknown } })._unmappedProperties_;
    const candidates: Array<unknown> = [];
    if (unmapped && Array.isArray(unmapped.files)) {
        candidates.push(...unmapped.files);
    }
    if (message.file) {
        candidates.push(message.file);
    }
    const seen: { [id: string]: true } = Object.create(null);
    const files: Array<UploadedFile> = [];
    for (const item of candidates) {
        const file = item as Partial<UploadedFile>;
        if (file && typeof file._id === 'string' && !seen[file._id]) {
            seen[file._id] = true;
            files.push({ _id: file._id, name: typeof file.name === 'string' ? file.name : 'file', type: file.type || 'application/octet-stream' });
        }
    }
    return files;
}

/** An uploaded file as RapidPro fetches it: an absolute link on the server's Site_Url. */
export function toWebhookAttachment(siteUrl: string, file: UploadedFile): WebhookAttachment {
    const base = siteUrl.replace(/\/+$/, '');
    return { type: file.type, url: `${base}/file-upload/${encodeURIComponent(file._id)}/${encodeURIComponent(file.name)}` };
}
