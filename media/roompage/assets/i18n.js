// The page's words: the room.* messages of the locale catalogues, rendered into the page by
// the media service (a JSON data block, which the CSP lets through since it never runs).
// Placeholders are go-i18n's {{.Name}}; a message with plural forms picks one by vars.Count.

const messages = JSON.parse(document.getElementById('messages').textContent || '{}');
export const lang = document.documentElement.lang || 'en';
const plural = new Intl.PluralRules(lang);

// t writes message id (without its "room." prefix) with vars; an unknown id reads as itself.
export function t(id, vars = {}) {
  const forms = messages[`room.${id}`];
  if (!forms) return id;
  const text = ('Count' in vars && forms[plural.select(vars.Count)]) || forms.other || '';
  return text.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, k) => (k in vars ? String(vars[k]) : ''));
}

// has says whether the catalogue has message id.
export const has = (id) => `room.${id}` in messages;

// roleName is a session role as the page says it ("host", "hôte").
export const roleName = (role) => (has(`role.${role}`) ? t(`role.${role}`) : role);
