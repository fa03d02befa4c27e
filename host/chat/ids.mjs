// @ts-check
// Rocket.Chat (Meteor) style ids: 17 characters from this alphabet.
import crypto from 'node:crypto';

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';

export function randomId(length = 17) {
	const bytes = crypto.randomBytes(length);
	let id = '';
	for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
	return id;
}
