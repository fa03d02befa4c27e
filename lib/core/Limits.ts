/**
 * Input bounds. RapidPro never comes near them; they exist so a hostile or broken
 * client cannot make the app store or forward unbounded data. Documented in
 * docs/security.md ("Input limits").
 */
export const Limits = {
    idLength: 255,          // ticket id, visitor token, contact uuid, department
    nameLength: 255,        // visitor name, email
    phoneLength: 64,
    textLength: 20000,      // one visitor message (WhatsApp allows 4096)
    attachments: 32,        // attachments in one visitor message
    urlLength: 4096,
    customFields: 64,
    customFieldValueLength: 1024,
    priorityLength: 64,
};
