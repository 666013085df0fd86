// The Klite console: one page, no framework and no build step. It reads and changes data only through the
// service's JSON API on the same server.
//
// Invariants: data from the API reaches the page only as text nodes and attribute values (h() below), never as
// markup, so a payload holding <script> shows as text; every change of data is a POST or PUT that runs only after
// the user confirmed it in the page's dialog; a view that was left stops refreshing and never writes into the next.
'use strict';

/** How often the live views read their figures again. */
const REFRESH_MS = 2000;
/** Messages per page of the message browser. */
const PAGE_SIZE = 20;
/** Dead letters listed at most. */
const DEAD_LETTER_LIMIT = 200;

// ---------------------------------------------------------------------------------------------------------------
// The page's building blocks

const $ = (selector) => document.querySelector(selector);

/**
 * An element with properties and children. Children are nodes or values shown as text; null, undefined and false
 * are left out. Properties: on<event> listeners, dataset, className, value/checked/disabled/selected as properties,
 * anything else as an attribute.
 */
function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      for (const [key, data] of Object.entries(value)) {
        element.dataset[key] = String(data);
      }
    } else if (name === 'className') {
      element.className = value;
    } else if (['value', 'checked', 'disabled', 'selected'].includes(name)) {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

/** A table cell named by data-field, for the tests and for readers of the DOM. */
const cell = (field, ...content) => h('td', { dataset: { field } }, content);
const numberCell = (field, value) => h('td', { dataset: { field }, className: 'num' }, value ?? '–');
const heading = (text, className) => h('th', { className }, text);

function table(id, headings, rows, empty) {
  const body = h('tbody', {}, rows.length > 0 ? rows
    : h('tr', { className: 'empty' }, h('td', { colspan: headings.length }, empty)));
  return h('table', { id }, h('thead', {}, h('tr', {}, headings)), body);
}

/** The link to a route of the page: path segments, each encoded, and query parameters. */
function link(segments, params) {
  const query = params ? new URLSearchParams(params).toString() : '';
  return '#/' + segments.map((segment) => encodeURIComponent(String(segment))).join('/') + (query ? '?' + query : '');
}

/** An API path: segments each encoded, so a topic or group name is never read as more of the path. */
const apiPath = (...segments) => segments.map((segment) => '/' + encodeURIComponent(String(segment))).join('');

/** An ISO time or SQLite's 'YYYY-MM-DD HH:MM:SS' (both UTC) as 'YYYY-MM-DD HH:MM:SS UTC'. */
function utc(time) {
  if (!time) {
    return '–';
  }
  return String(time).replace('T', ' ').replace(/(\.\d+)?Z$/, '') + ' UTC';
}

/** How long ago an ISO time was, such as '3m ago'. */
function ago(time) {
  const millis = Date.now() - Date.parse(time);
  if (!Number.isFinite(millis)) {
    return '';
  }
  const seconds = Math.max(0, Math.round(millis / 1000));
  if (seconds < 90) {
    return `${seconds}s ago`;
  }
  if (seconds < 90 * 60) {
    return `${Math.round(seconds / 60)}m ago`;
  }
  if (seconds < 36 * 3600) {
    return `${Math.round(seconds / 3600)}h ago`;
  }
  return `${Math.round(seconds / 86400)}d ago`;
}

/** A time as the user may type it: a date, a date and time (seconds and fractions optional), a zone optional. */
const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * A time typed by the user as the API takes it (ISO-8601 with a zone), or null where it is not one of the forms of
 * TIME: with Z or an offset as written, else the browser's local time (as a datetime-local field gives it). A date
 * alone is its midnight. Nothing else is guessed: '5' or 'Dec 1' are no times.
 */
function isoTime(text) {
  const parts = TIME.exec(text.trim());
  if (!parts) {
    return null;
  }
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] = parts;
  if (zone) {
    // the service checks the date itself (no February 31st) and reads it exactly
    return `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction ? '.' + fraction : ''}${zone.toUpperCase()}`;
  }
  const local = new Date(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second),
    Number((fraction + '00').slice(0, 3)));
  if (Number.isNaN(local.getTime()) || local.getFullYear() !== Number(year) || local.getMonth() !== Number(month) - 1
    || local.getDate() !== Number(day) || local.getMinutes() !== Number(minute)) {
    return null;
  }
  return local.toISOString();
}

const TIME_FORMS = 'give a time such as 2026-12-01T10:00:00Z, 2026-12-01 11:00+01:00, or 2026-12-01 11:00 (your local time)';

/** A retention as one line: '7d, 1000000 messages, keeps unconsumed' or 'none (kept until deleted)'. */
function retentionText(retention) {
  const limits = [];
  if (retention.age) {
    limits.push(retention.age);
  }
  if (retention.messages) {
    limits.push(`${retention.messages} messages`);
  }
  if (limits.length === 0) {
    return 'none (kept until deleted)';
  }
  return limits.join(', ') + (retention.keepUnconsumed ? ', keeps unconsumed' : '');
}

/**
 * A JSON text read without losing what JSON.parse loses: numbers as written (no rounding of 12345678901234567890 or
 * 1.10), object members in their order, duplicates kept. Nodes: {object: [[name, node]...]}, {array: [node...]},
 * {string}, {raw} (a number, true, false or null as written).
 *
 * @throws SyntaxError where the text is not JSON
 */
function readJson(text) {
  let at = 0;
  const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const fail = () => {
    throw new SyntaxError(`Not JSON at character ${at}`);
  };
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) {
      at += 1;
    }
  };
  const string = () => {
    const start = at;
    at += 1;
    while (at < text.length && text[at] !== '"') {
      at += text[at] === '\\' ? 2 : 1;
    }
    at += 1;
    return JSON.parse(text.slice(start, at));
  };
  const value = () => {
    skipSpace();
    const first = text[at];
    if (first === '{' || first === '[') {
      const object = first === '{';
      const items = [];
      at += 1;
      skipSpace();
      if (text[at] === (object ? '}' : ']')) {
        at += 1;
      } else {
        for (;;) {
          if (object) {
            skipSpace();
            if (text[at] !== '"') {
              fail();
            }
            const name = string();
            skipSpace();
            if (text[at] !== ':') {
              fail();
            }
            at += 1;
            items.push([name, value()]);
          } else {
            items.push(value());
          }
          skipSpace();
          const next = text[at];
          at += 1;
          if (next === (object ? '}' : ']')) {
            break;
          }
          if (next !== ',') {
            fail();
          }
        }
      }
      return object ? { object: items } : { array: items };
    }
    if (first === '"') {
      return { string: string() };
    }
    LITERAL.lastIndex = at;
    const literal = LITERAL.exec(text);
    if (!literal) {
      fail();
    }
    at = LITERAL.lastIndex;
    return { raw: literal[0] };
  };
  const node = value();
  skipSpace();
  if (at !== text.length) {
    fail();
  }
  return node;
}

/** The member of an object node, or undefined. */
const member = (node, name) => (node && node.object ? (node.object.find(([key]) => key === name) ?? [])[1] : undefined);

/** A node as JSON text: indented by two spaces, or on one line. */
function jsonText(node, indent, compact) {
  const inner = indent + '  ';
  const [open, close, items] = node.object ? ['{', '}', node.object.map(([name, value]) => JSON.stringify(name)
    + (compact ? ':' : ': ') + jsonText(value, inner, compact))]
    : node.array ? ['[', ']', node.array.map((value) => jsonText(value, inner, compact))] : [];
  if (!open) {
    return 'string' in node ? JSON.stringify(node.string) : node.raw;
  }
  if (items.length === 0) {
    return open + close;
  }
  return compact ? open + items.join(',') + close : `${open}\n${inner}${items.join(`,\n${inner}`)}\n${indent}${close}`;
}

/**
 * A message's payload from its data node (readJson): a JSON value formatted (exactly as stored), text as it is, other
 * bytes as the API's base64 string.
 */
function payloadText(node, compact) {
  return 'string' in node ? node.string : jsonText(node, '', compact);
}

/** The most of a payload the page shows at once: a larger one is cut, with a button that shows it all. */
const PAYLOAD_SHOWN = 64 * 1024;

function shortened(text, length) {
  return text.length > length ? text.slice(0, length - 1) + '…' : text;
}

// ---------------------------------------------------------------------------------------------------------------
// The API

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Calls the JSON API; resolves to the answer's text (null where it has none), or rejects with the API's own error
 * message. An answer that is not the API's JSON (a redirect, a proxy's page) is an error, never data.
 */
async function apiText(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, redirect: 'error', cache: 'no-store' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, `The Klite service does not answer ${method} ${path}: ${e.message}`);
  }
  const text = await response.text();
  const json = (response.headers.get('Content-Type') ?? '').startsWith('application/json');
  if (!response.ok) {
    let error = null;
    try {
      error = json ? JSON.parse(text).error : null;
    } catch (e) {
      // not JSON after all: the status says what happened
    }
    throw new ApiError(response.status, error || `${method} ${path}: ${response.status} ${response.statusText}`);
  }
  if (!json) {
    throw new ApiError(response.status, `${method} ${path} did not answer JSON (${response.status}, `
      + `${response.headers.get('Content-Type') ?? 'no Content-Type'}): is a proxy in between?`);
  }
  return text || null;
}

/** Calls the JSON API; resolves to the answer's JSON. */
async function api(method, path, body) {
  const text = await apiText(method, path, body);
  return text === null ? null : JSON.parse(text);
}

const get = (path) => api('GET', path);

// ---------------------------------------------------------------------------------------------------------------
// Messages to the user, the confirmation dialog

let errorFrom = null;

function showError(error, from) {
  errorFrom = from;
  const box = $('#error');
  box.textContent = error instanceof Error ? error.message : String(error);
  box.hidden = false;
}

function clearError(from) {
  if (from === undefined || errorFrom === from) {
    $('#error').hidden = true;
    $('#error').textContent = '';
    errorFrom = null;
  }
}

function showNotice(text) {
  $('#notice').textContent = text;
  $('#notice').hidden = false;
}

function clearNotice() {
  $('#notice').hidden = true;
  $('#notice').textContent = '';
}

/** The open confirmation's answer function, so that leaving the view answers it 'no'. */
let pendingConfirmation = null;

/** Asks in the page's dialog; resolves to true where the user confirmed, false where not or where the view was left. */
function confirmed(title, content, action) {
  const dialog = $('#confirm');
  $('#confirm-title').textContent = title;
  $('#confirm-text').replaceChildren(...[content].flat().filter(Boolean)
    .map((part) => (part instanceof Node ? part : h('p', {}, part))));
  $('#confirm-ok').textContent = action;
  return new Promise((resolve) => {
    const answer = (yes) => {
      pendingConfirmation = null;
      $('#confirm-ok').onclick = null;
      $('#confirm-cancel').onclick = null;
      dialog.oncancel = null;
      dialog.close();
      resolve(yes);
    };
    pendingConfirmation = answer;
    $('#confirm-ok').onclick = () => answer(true);
    $('#confirm-cancel').onclick = () => answer(false);
    dialog.oncancel = (event) => {
      event.preventDefault();
      answer(false);
    };
    dialog.showModal();
  });
}

let acting = false;

/**
 * Runs a user's action: its result as the notice, its failure as the error. One at a time: a click while one runs
 * (a second click on a button, another button) does nothing.
 */
async function act(action) {
  if (acting) {
    return;
  }
  acting = true;
  clearNotice();
  clearError('action');
  try {
    const notice = await action();
    if (notice) {
      showNotice(notice);
    }
  } catch (e) {
    showError(e, 'action');
  } finally {
    acting = false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Views. Each is {name, title, start(main, isCurrent)}: start renders the view into main and resolves, once its
// data is shown, to the function that refreshes it (live views) or to nothing.

function topicsView() {
  return {
    name: 'topics',
    title: 'Topics',
    async start(main) {
      const filter = h('input', { id: 'topic-filter', type: 'search', placeholder: 'Filter topics', 'aria-label': 'Filter topics' });
      const summary = h('span', { className: 'summary' });
      const holder = h('div');
      main.append(h('h1', {}, 'Topics'), h('div', { className: 'toolbar' }, filter, summary), holder);
      let topics = [];
      const render = () => {
        const wanted = filter.value.trim().toLowerCase();
        const shown = topics.filter((topic) => topic.topic.toLowerCase().includes(wanted));
        const partitions = topics.reduce((sum, topic) => sum + topic.partitions.length, 0);
        summary.textContent = `${topics.length} topics, ${partitions} partitions`
          + (shown.length < topics.length ? `, ${shown.length} shown` : '');
        holder.replaceChildren(table('topics', [heading('Topic'), heading('Partitions', 'num'),
          heading('Messages', 'num'), heading('End offsets'), heading('Retention')], shown.map(topicRow),
        topics.length === 0 ? 'No topics yet: a send, a POST /topics/{topic}/messages or a PUT /topics/{topic} creates one.'
          : 'No topic matches the filter.'));
      };
      filter.addEventListener('input', render);
      let last = null;
      const refresh = async () => {
        const answer = await get('/topics');
        const text = JSON.stringify(answer);
        if (text !== last) {
          last = text;
          topics = answer;
          render();
        }
      };
      await refresh();
      return refresh;
    },
  };
}

function storedMessages(partition) {
  return Math.max(0, partition.endOffset - partition.startOffset + 1);
}

function topicRow(topic) {
  const stored = topic.partitions.map(storedMessages);
  const deadLetters = topic.topic.endsWith('.dlq')
    ? h('a', { className: 'badge', href: link(['dead-letters', topic.topic]) }, 'dead letters') : null;
  return h('tr', { dataset: { topic: topic.topic } },
    cell('name', h('a', { href: link(['topics', topic.topic]) }, topic.topic), deadLetters),
    numberCell('partitions', topic.partitions.length),
    numberCell('messages', stored.reduce((sum, count) => sum + count, 0)),
    cell('endOffsets', topic.partitions.map((partition) => partition.endOffset).join(', ')),
    cell('retention', retentionText(topic.retention)));
}

function topicView(topic) {
  return {
    name: 'topic',
    title: `Topic ${topic}`,
    async start(main, isCurrent) {
      const partitions = h('div');
      const groups = h('div');
      const retention = h('span', { id: 'retention' });
      const age = h('input', { id: 'retention-age', placeholder: 'none, or such as 7d', size: 18, 'aria-label': 'Retention age' });
      const messages = h('input', { id: 'retention-messages', type: 'number', min: 1, placeholder: 'none', className: 'short', 'aria-label': 'Retention messages' });
      const keep = h('input', { id: 'retention-keep', type: 'checkbox' });
      const showConfig = (config) => {
        retention.textContent = retentionText(config.retention);
        age.value = config.retention.age ?? '';
        messages.value = config.retention.messages ?? '';
        keep.checked = Boolean(config.retention.keepUnconsumed);
      };
      const save = () => act(async () => {
        const wanted = { keepUnconsumed: keep.checked };
        if (age.value.trim()) {
          wanted.age = age.value.trim();
        }
        if (messages.value.trim()) {
          wanted.messages = Number(messages.value);
        }
        if (!await confirmed(`Change the retention of ${topic}?`, [`New retention: ${retentionText(wanted)}.`,
          'The cleaner deletes what it no longer keeps at its next run; deleted messages cannot come back.'], 'Change retention')) {
          return 'Retention unchanged.';
        }
        const answer = await api('PUT', apiPath('topics', topic, 'config'), { retention: wanted });
        if (isCurrent()) {
          showConfig(answer);
        }
        return `Retention of ${topic}: ${retentionText(answer.retention)}`;
      });
      main.append(h('p', { className: 'crumbs' }, h('a', { href: link(['topics']) }, 'Topics'), ' / '),
        h('h1', {}, topic),
        h('section', {}, h('h2', {}, 'Partitions'), partitions),
        h('section', {}, h('h2', {}, 'Retention'), h('p', {}, 'Kept: ', retention),
          h('form', { id: 'retention-form', className: 'inline', onsubmit: (event) => { event.preventDefault(); save(); } },
            h('label', {}, 'Age ', age), h('label', {}, 'Messages per partition ', messages),
            h('label', {}, keep, ' keep what a group has not consumed'),
            h('button', { id: 'retention-save', type: 'submit' }, 'Change retention…'))),
        h('section', {}, h('h2', {}, 'Groups consuming it'), groups));
      showConfig(await get(apiPath('topics', topic, 'config')));
      let last = null;
      const refresh = async () => {
        const [described, allGroups] = await Promise.all([get(apiPath('topics', topic)), get('/groups')]);
        const text = JSON.stringify([described, allGroups]);
        if (text === last) {
          return;
        }
        last = text;
        partitions.replaceChildren(table('partitions', [heading('Partition', 'num'), heading('Start offset', 'num'),
          heading('End offset', 'num'), heading('Messages', 'num'), heading('')],
        described.partitions.map((partition) => h('tr', { dataset: { partition: partition.partition } },
          numberCell('partition', partition.partition), numberCell('startOffset', partition.startOffset),
          numberCell('endOffset', partition.endOffset), numberCell('messages', storedMessages(partition)),
          cell('browse', h('a', { className: 'browse', href: link(['topics', topic, 'partitions', partition.partition]) },
            'Browse messages')))), 'No partitions.'));
        const byGroup = new Map();
        for (const row of allGroups.filter((row) => row.topic === topic)) {
          byGroup.set(row.group, [...(byGroup.get(row.group) ?? []), row]);
        }
        groups.replaceChildren(table('topic-groups', [heading('Group'), heading('Lag', 'num'),
          heading('Committed offsets')], [...byGroup].map(([group, rows]) => h('tr', { dataset: { group } },
          cell('name', h('a', { href: link(['groups', group]) }, group)),
          numberCell('lag', rows.reduce((sum, row) => sum + row.lag, 0)),
          cell('committedOffsets', rows.map((row) => `${row.partition}: ${row.committedOffset ?? '–'}`).join(', ')))),
        'No group consumes this topic.'));
      };
      await refresh();
      return refresh;
    },
  };
}

function messagesView(topic, partition, params) {
  return {
    name: 'messages',
    title: `${topic} partition ${partition}`,
    async start(main) {
      const described = await get(apiPath('topics', topic));
      const offsets = described.partitions.find((candidate) => candidate.partition === partition);
      if (!offsets) {
        throw new Error(`Topic '${topic}' has no partition ${partition}: it has ${described.partitions.length}`);
      }
      const read = apiPath('topics', topic, 'partitions', partition, 'messages');
      const time = params.get('time');
      let query;
      if (time) {
        query = { fromTime: time, limit: PAGE_SIZE };
      } else {
        const from = params.get('from') !== null ? params.get('from')
          : Math.max(offsets.startOffset, offsets.endOffset - PAGE_SIZE + 1);
        query = { from, limit: PAGE_SIZE };
      }
      const text = await apiText('GET', read + '?' + new URLSearchParams(query));
      const page = JSON.parse(text);
      const nodes = member(readJson(text), 'messages').array;
      const here = (more) => link(['topics', topic, 'partitions', partition], more);
      const first = page.messages.length > 0 ? page.messages[0].offset : page.nextOffset;

      const offsetInput = h('input', { id: 'jump-offset', type: 'number', min: 0, placeholder: String(offsets.startOffset), 'aria-label': 'Offset', className: 'short' });
      const timeInput = h('input', { id: 'jump-time', placeholder: '2026-12-01 11:00', size: 22, 'aria-label': 'Time', title: 'Your local time, or with Z or an offset: 2026-12-01T10:00:00Z' });
      const jump = (event) => {
        event.preventDefault();
        clearError('action');
        const offset = offsetInput.value.trim();
        const typed = timeInput.value.trim();
        if (offset && typed) {
          showError('Give an offset or a time to jump to, not both', 'action');
        } else if (offset) {
          location.hash = here({ from: offset });
        } else if (typed) {
          const iso = isoTime(typed);
          if (!iso) {
            showError(`'${typed}' is not a time; ${TIME_FORMS}`, 'action');
            return;
          }
          location.hash = here({ time: iso });
        } else {
          showError('Give an offset or a time to jump to', 'action');
        }
      };
      const previous = h('button', { id: 'prev-page', type: 'button', disabled: first <= offsets.startOffset,
        onclick: () => { location.hash = here({ from: Math.max(offsets.startOffset, first - PAGE_SIZE) }); } }, '← Older');
      const next = h('button', { id: 'next-page', type: 'button', disabled: page.nextOffset > offsets.endOffset,
        onclick: () => { location.hash = here({ from: page.nextOffset }); } }, 'Newer →');
      const stored = storedMessages(offsets);
      const shown = page.messages.length > 0
        ? `Showing ${first} to ${page.messages[page.messages.length - 1].offset}` : 'No messages from here';
      main.append(h('p', { className: 'crumbs' }, h('a', { href: link(['topics']) }, 'Topics'), ' / ',
        h('a', { href: link(['topics', topic]) }, topic), ' / '),
        h('h1', {}, `Partition ${partition}`),
        h('p', { className: 'summary' }, stored > 0 ? `Offsets ${offsets.startOffset} to ${offsets.endOffset}, ${stored} stored.`
          : `No messages stored; the next gets offset ${offsets.endOffset + 1}.`),
        h('form', { id: 'jump', className: 'inline', onsubmit: jump },
          h('label', {}, 'Offset ', offsetInput), h('label', {}, 'or time ', timeInput),
          h('button', { id: 'jump-go', type: 'submit' }, 'Go')),
        h('div', { className: 'pager' }, previous,
          h('span', { className: 'summary' }, shown + (time ? ` (the first written at or after ${utc(time)})` : '')), next),
        h('div', { id: 'messages' }, page.messages.length > 0
          ? page.messages.map((message, index) => messageArticle(message, member(nodes[index], 'data')))
          : h('p', { className: 'empty' }, 'No messages at or after this point.')));
      return null;
    },
  };
}

function messageArticle(message, dataNode) {
  const headers = Object.entries(message.headers ?? {});
  const payload = payloadText(dataNode, false);
  const pre = h('pre', { className: 'payload', dataset: message.encoding === 'base64' ? { encoding: 'base64' } : {} },
    payload.length > PAYLOAD_SHOWN ? payload.slice(0, PAYLOAD_SHOWN) : payload);
  const more = payload.length > PAYLOAD_SHOWN
    ? h('p', { className: 'note' }, `Shown: the first ${PAYLOAD_SHOWN} of ${payload.length} characters. `,
      h('button', { type: 'button', className: 'show-all', onclick: (event) => {
        pre.textContent = payload;
        event.target.parentElement.remove();
      } }, 'Show all'))
    : null;
  return h('article', { className: 'message', dataset: { offset: message.offset } },
    h('header', {},
      h('span', { className: 'offset' }, `offset ${message.offset}`),
      h('span', { className: 'key' }, message.key === null ? h('em', {}, 'no key') : ['key ', h('code', {}, message.key)]),
      h('span', { className: 'created' }, utc(message.created))),
    headers.length > 0
      ? h('dl', { className: 'headers' }, headers.map(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]))
      : h('dl', { className: 'headers empty' }),
    pre, more,
    message.encoding === 'base64' ? h('p', { className: 'note' }, 'Not UTF-8 text: shown as base64.') : null);
}

function groupsView() {
  return {
    name: 'groups',
    title: 'Groups',
    async start(main) {
      const holder = h('div');
      main.append(h('h1', {}, 'Groups'), holder);
      let last = null;
      const refresh = async () => {
        const [rows, stuck] = await Promise.all([get('/groups'), get('/stuck-partitions')]);
        const text = JSON.stringify([rows, stuck]);
        if (text === last) {
          return;
        }
        last = text;
        const groups = new Map();
        for (const row of rows) {
          const group = groups.get(row.group) ?? { topics: new Set(), partitions: 0, lag: 0, members: new Set(), stuck: 0 };
          group.topics.add(row.topic);
          group.partitions += 1;
          group.lag += row.lag;
          for (const member of row.members ?? []) {
            group.members.add(member.memberId);
          }
          groups.set(row.group, group);
        }
        for (const row of stuck) {
          if (groups.has(row.group)) {
            groups.get(row.group).stuck += 1;
          }
        }
        holder.replaceChildren(table('groups', [heading('Group'), heading('Topics'), heading('Partitions', 'num'),
          heading('Lag', 'num'), heading('Members', 'num'), heading('Stuck', 'num')],
        [...groups].map(([name, group]) => h('tr', { dataset: { group: name }, className: group.stuck > 0 ? 'stuck' : null },
          cell('name', h('a', { href: link(['groups', name]) }, name)),
          cell('topics', [...group.topics].join(', ')),
          numberCell('partitions', group.partitions), numberCell('lag', group.lag),
          numberCell('members', group.members.size), numberCell('stuck', group.stuck))),
        'No groups yet: a group appears with its first commit or consumer.'));
      };
      await refresh();
      return refresh;
    },
  };
}

function memberName(members, memberId) {
  if (!memberId) {
    return '–';
  }
  const member = members.find((candidate) => candidate.memberId === memberId);
  return (member && member.description ? `${member.description} ` : '') + `(${memberId.slice(0, 8)})`;
}

function groupView(group) {
  return {
    name: 'group',
    title: `Group ${group}`,
    async start(main, isCurrent) {
      const partitions = h('div');
      const members = h('div');
      const resetTopic = h('select', { id: 'reset-topic', 'aria-label': 'Topic' });
      const resetPartition = h('select', { id: 'reset-partition', 'aria-label': 'Partition' });
      const resetTo = h('select', { id: 'reset-to', 'aria-label': 'Reset to' },
        h('option', { value: 'earliest' }, 'the earliest stored message'),
        h('option', { value: 'latest' }, 'the end (skip everything stored)'),
        h('option', { value: 'offset' }, 'an offset (the next to deliver)'),
        h('option', { value: 'time' }, 'a time (the first message at or after it)'));
      const resetValue = h('input', { id: 'reset-value', disabled: true, size: 28, 'aria-label': 'Offset or time' });
      const force = h('input', { id: 'reset-force', type: 'checkbox' });
      let described = null;
      // every partition of the chosen topic, whether or not the group has consumed it yet
      const choosePartitions = async () => {
        const topic = resetTopic.value;
        const chosen = resetPartition.value;
        const count = topic ? (await get(apiPath('topics', topic))).partitions.length : 0;
        if (!isCurrent() || resetTopic.value !== topic) {
          return;
        }
        resetPartition.replaceChildren(h('option', { value: 'all' }, 'all partitions'),
          ...Array.from({ length: count }, (_, partition) => h('option', { value: partition }, `partition ${partition}`)));
        if ([...resetPartition.options].some((option) => option.value === chosen)) {
          resetPartition.value = chosen;
        }
      };
      resetTopic.addEventListener('change', () => choosePartitions().catch((e) => showError(e, 'action')));
      resetTo.addEventListener('change', () => {
        resetValue.disabled = !['offset', 'time'].includes(resetTo.value);
        resetValue.placeholder = resetTo.value === 'offset' ? 'such as 42'
          : resetTo.value === 'time' ? '2026-12-01 11:00 or …T10:00:00Z' : '';
      });
      let refreshNow = null;
      const reset = (event) => {
        event.preventDefault();
        act(async () => {
          const request = { topic: resetTopic.value };
          if (resetPartition.value !== 'all') {
            request.partition = Number(resetPartition.value);
          }
          let target;
          if (resetTo.value === 'offset') {
            if (!/^\d+$/.test(resetValue.value.trim())) {
              throw new Error(`'${resetValue.value}' is not an offset; give a whole number from 0, the next offset to deliver`);
            }
            request.to = Number(resetValue.value.trim());
            target = `offset ${request.to}`;
          } else if (resetTo.value === 'time') {
            request.to = isoTime(resetValue.value);
            if (!request.to) {
              throw new Error(`'${resetValue.value}' is not a time; ${TIME_FORMS}`);
            }
            target = `the first message written at or after ${utc(new Date(request.to).toISOString())}`
              + (/Z$/.test(request.to) ? '' : ` (${request.to})`);
          } else {
            request.to = resetTo.value;
            target = resetTo.value === 'earliest' ? 'the earliest stored message' : 'the end';
          }
          request.force = force.checked;
          const plan = await api('POST', apiPath('groups', group, 'reset'), { ...request, execute: false });
          const live = ((described && described.topics.find((topic) => topic.topic === plan.topic)) || { members: [] }).members;
          const rows = plan.partitions.map((row) => h('tr', { dataset: { partition: row.partition } },
            numberCell('partition', row.partition), numberCell('committedOffset', row.committedOffset),
            numberCell('newCommittedOffset', row.newCommittedOffset), numberCell('nextOffset', row.nextOffset)));
          const text = [`Group ${group} on topic ${plan.topic}, to ${target}: the next delivery of each partition will be the offset below.`,
            table('reset-plan', [heading('Partition', 'num'), heading('Committed now', 'num'), heading('Committed after', 'num'),
              heading('Next delivered', 'num')], rows, 'No partitions'),
            live.length > 0 && !force.checked
              ? h('p', { className: 'error-text' }, `${live.length} live member(s) consume ${plan.topic} with this group: `
                + `${live.map((one) => one.description || one.memberId).join(', ')}. The reset will be refused unless you tick `
                + '"force", or stop them first.') : null,
            force.checked ? 'Forced: live members lose their leases of these partitions and deliver again from the new offsets.'
              : 'Messages before the new offsets are not delivered again, those after are.'];
          if (!await confirmed(`Reset group ${group}?`, text, 'Reset offsets')) {
            return 'Reset cancelled; nothing changed.';
          }
          const done = await api('POST', apiPath('groups', group, 'reset'), { ...request, execute: true });
          if (isCurrent() && refreshNow) {
            await refreshNow();
          }
          return `Group ${group} reset on topic ${done.topic}: ` + done.partitions
            .map((row) => `partition ${row.partition} delivers from offset ${row.nextOffset}`).join(', ') + '.';
        });
      };
      main.append(h('p', { className: 'crumbs' }, h('a', { href: link(['groups']) }, 'Groups'), ' / '),
        h('h1', {}, group),
        h('section', {}, h('h2', {}, 'Partitions'), partitions),
        h('section', {}, h('h2', {}, 'Live members'), members),
        h('section', {}, h('h2', {}, 'Reset offsets'),
          h('form', { id: 'reset', className: 'inline', onsubmit: reset },
            h('label', {}, 'Topic ', resetTopic), h('label', {}, resetPartition),
            h('label', {}, 'to ', resetTo), resetValue,
            h('label', { title: 'Revokes the leases of live members on the partitions reset' }, force, ' force while members are live'),
            h('button', { id: 'reset-preview', type: 'submit' }, 'Preview reset…'))));
      let last = null;
      const refresh = async () => {
        const [answer, stuck] = await Promise.all([get(apiPath('groups', group)), get('/stuck-partitions')]);
        const text = JSON.stringify([answer, stuck]);
        if (text === last) {
          return;
        }
        last = text;
        described = answer;
        const failing = new Map(stuck.filter((row) => row.group === group)
          .map((row) => [`${row.topic}\u0000${row.partition}`, row]));
        const rows = [];
        const memberRows = [];
        for (const topic of answer.topics) {
          for (const partition of topic.partitions) {
            const failure = failing.get(`${topic.topic}\u0000${partition.partition}`);
            rows.push(h('tr', { dataset: { topic: topic.topic, partition: partition.partition }, className: failure ? 'stuck' : null },
              cell('topic', h('a', { href: link(['topics', topic.topic]) }, topic.topic)),
              numberCell('partition', partition.partition),
              numberCell('committedOffset', partition.committedOffset ?? '–'),
              numberCell('endOffset', partition.endOffset), numberCell('lag', partition.lag),
              cell('holder', memberName(topic.members, partition.memberId)),
              cell('delivery', failure ? h('a', { href: link(['stuck']) }, `${failure.attempts} failed attempts`) : 'ok')));
          }
          for (const one of topic.members) {
            memberRows.push(h('tr', { dataset: { member: one.memberId } },
              cell('memberId', h('code', {}, one.memberId)), cell('description', one.description ?? ''),
              cell('topic', topic.topic), cell('partitions', (one.partitions ?? []).join(', ')),
              cell('joinedAt', utc(one.joinedAt)), cell('heartbeatAt', `${utc(one.heartbeatAt)} (${ago(one.heartbeatAt)})`)));
          }
        }
        partitions.replaceChildren(table('group-partitions', [heading('Topic'), heading('Partition', 'num'),
          heading('Committed', 'num'), heading('End offset', 'num'), heading('Lag', 'num'), heading('Held by'),
          heading('Delivery')], rows, 'No partitions.'));
        members.replaceChildren(table('members', [heading('Member'), heading('Description'), heading('Topic'),
          heading('Partitions'), heading('Joined'), heading('Last heartbeat')], memberRows,
        'No live members: nothing consumes with this group now.'));
        const topics = answer.topics.map((topic) => topic.topic);
        if (JSON.stringify(topics) !== JSON.stringify([...resetTopic.options].map((option) => option.value))) {
          const chosen = resetTopic.value;
          resetTopic.replaceChildren(...topics.map((topic) => h('option', { value: topic }, topic)));
          if (topics.includes(chosen)) {
            resetTopic.value = chosen;
          }
          await choosePartitions();
        }
      };
      refreshNow = async () => {
        last = null;
        await refresh();
      };
      await refresh();
      return refresh;
    },
  };
}

function stuckView() {
  return {
    name: 'stuck',
    title: 'Stuck partitions',
    async start(main) {
      const holder = h('div');
      main.append(h('h1', {}, 'Stuck partitions'),
        h('p', { className: 'summary' }, 'Partitions whose group failed to deliver the message at its offset and has not delivered it since. '
          + 'Each is retried with backoff; after its endpoint\'s limit it goes to its dead-letter topic, if it has one.'),
        holder);
      const refresh = async () => {
        // drawn at every refresh, also where nothing changed, so that 'since' keeps counting
        const stuck = await get('/stuck-partitions');
        holder.replaceChildren(table('stuck', [heading('Group'), heading('Topic'), heading('Partition', 'num'),
          heading('Offsets'), heading('Attempts', 'num'), heading('Last error'), heading('Failing since'),
          heading('Last failure')],
        stuck.map((row) => h('tr', { dataset: { group: row.group, topic: row.topic, partition: row.partition } },
          cell('group', h('a', { href: link(['groups', row.group]) }, row.group)),
          cell('topic', h('a', { href: link(['topics', row.topic]) }, row.topic)),
          numberCell('partition', row.partition),
          cell('offsets', h('a', { href: link(['topics', row.topic, 'partitions', row.partition], { from: row.firstOffset }) },
            row.firstOffset === row.lastOffset ? String(row.firstOffset) : `${row.firstOffset}..${row.lastOffset}`)),
          numberCell('attempts', row.attempts),
          cell('lastError', h('span', { className: 'error-text' }, row.lastError ?? '')),
          cell('since', `${utc(row.firstFailedAt)} (${ago(row.firstFailedAt)})`),
          cell('lastFailedAt', utc(row.lastFailedAt)))),
        'Nothing is stuck: every group delivers.'));
      };
      await refresh();
      return refresh;
    },
  };
}

function deadLettersView(chosen, params) {
  return {
    name: 'dead-letters',
    title: 'Dead letters',
    async start(main, isCurrent) {
      const topics = (await get('/topics')).map((topic) => topic.topic);
      const deadLetterTopics = topics.filter((topic) => topic.endsWith('.dlq'));
      const dlq = chosen ?? deadLetterTopics[0];
      const all = params.get('all') === 'true';
      const go = (topic, withAll) => {
        location.hash = link(['dead-letters', topic], withAll ? { all: 'true' } : null);
      };
      const option = (topic) => h('option', { value: topic, selected: topic === dlq }, topic);
      const others = topics.filter((topic) => !topic.endsWith('.dlq'));
      const choose = h('select', { id: 'dlq-topic', 'aria-label': 'Dead-letter topic', onchange: () => go(choose.value, all) },
        dlq && !topics.includes(dlq) ? option(dlq) : null,
        h('optgroup', { label: 'Dead-letter topics (.dlq)' }, deadLetterTopics.map(option)),
        others.length > 0 ? h('optgroup', { label: 'Other topics (a deadLetterTopic of another name)' }, others.map(option)) : null);
      const allBox = h('input', { id: 'dlq-all', type: 'checkbox', checked: all, onchange: () => go(choose.value, allBox.checked) });
      main.append(h('h1', {}, 'Dead letters'),
        h('div', { className: 'toolbar' }, h('label', {}, 'Dead-letter topic ', choose),
          h('label', {}, allBox, ' also those redriven')));
      if (!dlq) {
        main.append(h('p', { className: 'empty' }, 'No dead-letter topic: none of the topics ends in .dlq. '
          + 'A consumer with deadLetterTopic (workers: deadLetter) writes what it cannot deliver there.'));
        return null;
      }
      choose.value = dlq;
      const query = { all: String(all), limit: DEAD_LETTER_LIMIT };
      if (params.get('partition') !== null) {
        query.partition = params.get('partition');
        if (params.get('from') !== null) {
          query.from = params.get('from');
        }
      }
      const text = await apiText('GET', apiPath('topics', dlq, 'dead-letters') + '?' + new URLSearchParams(query));
      const answer = JSON.parse(text);
      const partitionNodes = member(readJson(text), 'partitions').array;
      const rows = [];
      let pending = 0;
      answer.partitions.forEach((partition, index) => {
        const nodes = member(partitionNodes[index], 'messages').array;
        // the first not redriven yet: retention may have deleted some after the redriven offset
        const firstPending = partition.messages.find((message) => message.offset > partition.redrivenOffset);
        partition.messages.forEach((message, at) => {
          const redriven = message.offset <= partition.redrivenOffset;
          pending += redriven ? 0 : 1;
          rows.push(deadLetterRow(dlq, partition, message, member(nodes[at], 'data'), redriven,
            firstPending ? firstPending.offset : null, isCurrent));
        });
      });
      const redriveAll = h('button', { id: 'redrive-all', type: 'button', className: 'danger', disabled: pending === 0,
        onclick: () => act(async () => {
          if (!await confirmed(`Redrive every pending dead letter of ${dlq}?`,
            [`Copies each pending dead letter back to the topic and partition it came from (key, payload and headers kept), once.`],
            'Redrive all')) {
            return 'Redrive cancelled; nothing changed.';
          }
          const done = await api('POST', apiPath('topics', dlq, 'dead-letters', 'redrive'), {});
          reload(isCurrent);
          return redriveNotice(done);
        }) }, 'Redrive all pending…');
      // where more follow, each partition's next page: the listing fills its limit partition by partition
      const ends = answer.more ? (await get(apiPath('topics', dlq))).partitions : [];
      const pages = answer.more ? answer.partitions
        .filter((partition) => ends.some((end) => end.partition === partition.partition && partition.nextOffset <= end.endOffset))
        .map((partition) => h('a', { className: 'more', href: link(['dead-letters', dlq], { ...(all ? { all: 'true' } : {}),
          partition: partition.partition, from: partition.nextOffset }) }, `partition ${partition.partition} from offset ${partition.nextOffset}`))
        : [];
      main.append(h('div', { className: 'toolbar' }, redriveAll,
        h('span', { className: 'summary' }, `${pending} pending shown` + (query.partition !== undefined ? ` of partition ${query.partition}` : '')
          + (answer.more ? `; more follow, show: ` : '')), pages),
      table('dead-letters', [heading('Partition', 'num'), heading('Offset', 'num'), heading('From'),
        heading('Group'), heading('Attempts', 'num'), heading('Failed at'), heading('Error'), heading('Redriven'),
        heading('Payload'), heading('')], rows,
      all ? 'No dead letters in this topic.' : 'No pending dead letters: every one was redriven, or none was written.'));
      return null;
    },
  };
}

function deadLetterRow(dlq, partition, message, dataNode, redriven, first, isCurrent) {
  const headers = message.headers ?? {};
  const error = headers['klite.exception.class']
    ? headers['klite.exception.class'] + (headers['klite.exception.message'] ? ': ' + headers['klite.exception.message'] : '')
    : '';
  const redrive = redriven ? null : h('button', { type: 'button', className: 'redrive', onclick: () => act(async () => {
    const count = partition.messages.filter((one) => one.offset >= first && one.offset <= message.offset).length;
    if (!await confirmed(`Redrive dead letters of ${dlq}?`, [
      `Copies ${message.offset === first ? 'this dead letter' : `the dead letters of partition ${partition.partition} from offset ${first} to ${message.offset} (${count})`}`
        + ' back to the topic and partition each came from, key, payload and headers kept, once.',
      message.offset === first ? null : 'A redrive never skips one: those before it go first.'], 'Redrive')) {
      return 'Redrive cancelled; nothing changed.';
    }
    const done = await api('POST', apiPath('topics', dlq, 'dead-letters', 'redrive'),
      { partition: partition.partition, toOffset: message.offset });
    reload(isCurrent);
    return redriveNotice(done);
  }) }, message.offset === first ? 'Redrive' : 'Redrive through here');
  const payload = payloadText(dataNode, true);
  return h('tr', { dataset: { partition: partition.partition, offset: message.offset }, className: redriven ? 'done' : null },
    numberCell('partition', partition.partition), numberCell('offset', message.offset),
    cell('from', h('a', { href: link(['topics', headers['klite.original.topic'] ?? '', 'partitions', headers['klite.original.partition'] ?? 0],
      { from: headers['klite.original.offset'] ?? 0 }) },
    h('span', { dataset: { field: 'originalTopic' } }, headers['klite.original.topic'] ?? '?'), ' / ',
    h('span', { dataset: { field: 'originalPartition' } }, headers['klite.original.partition'] ?? '?'), ' @ ',
    h('span', { dataset: { field: 'originalOffset' } }, headers['klite.original.offset'] ?? '?'))),
    cell('group', headers['klite.group'] ?? ''), numberCell('attempts', headers['klite.attempts']),
    cell('failedAt', utc(headers['klite.failed.at'])),
    cell('error', h('span', { className: 'error-text' }, error)),
    cell('redriven', redriven ? 'yes' : 'no'),
    cell('payload', h('code', { title: shortened(payload, 2000) }, shortened(payload.replace(/\s+/g, ' '), 120))),
    cell('action', redrive));
}

function redriveNotice(done) {
  const moved = done.partitions.filter((partition) => partition.messages > 0);
  const total = moved.reduce((sum, partition) => sum + partition.messages, 0);
  if (total === 0) {
    return `Nothing to redrive in ${done.topic}: every dead letter was redriven already.`;
  }
  return `Redrove ${total} dead letter${total === 1 ? '' : 's'} of ${done.topic}: `
    + moved.map((partition) => `partition ${partition.partition} offsets ${partition.firstOffset} to ${partition.lastOffset}`).join(', ') + '.';
}

/** Shows the current view afresh, keeping the notice; where the user left it meanwhile, nothing. */
function reload(isCurrent) {
  if (isCurrent()) {
    show({ keepNotice: true });
  }
}

function notFoundView() {
  return {
    name: 'not-found',
    title: 'Not found',
    async start(main) {
      main.append(h('h1', {}, 'Not found'), h('p', {}, 'This page of the console does not exist. ',
        h('a', { href: link(['topics']) }, 'Go to the topics.')));
      return null;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Routing and live refresh

/** The view the address names: #/topics, #/topics/<topic>, #/topics/<topic>/partitions/<p>?from=|time=, ... */
function route() {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  let segments;
  try {
    segments = path.split('/').filter((segment) => segment !== '').map(decodeURIComponent);
  } catch (e) {
    return notFoundView();
  }
  const params = new URLSearchParams(query ?? '');
  const [first = 'topics', ...rest] = segments;
  if (first === 'topics' && rest.length === 0) {
    return topicsView();
  }
  if (first === 'topics' && rest.length === 1) {
    return topicView(rest[0]);
  }
  if (first === 'topics' && rest.length === 3 && rest[1] === 'partitions' && /^\d+$/.test(rest[2])) {
    return messagesView(rest[0], Number(rest[2]), params);
  }
  if (first === 'groups' && rest.length <= 1) {
    return rest.length === 0 ? groupsView() : groupView(rest[0]);
  }
  if (first === 'stuck' && rest.length === 0) {
    return stuckView();
  }
  if (first === 'dead-letters' && rest.length <= 1) {
    return deadLettersView(rest[0], params);
  }
  return notFoundView();
}

let current = null;
let firstLoad = true;

/**
 * Shows the view of the address, replacing the one shown; a live view refreshes until another is shown. A view
 * renders into a detached element that takes the page's place only if it is still the current view when its data
 * has come, so a view that was left (a quick click, Back) never shows up in the next.
 */
async function show(options) {
  if (current) {
    clearTimeout(current.timer);
  }
  if (pendingConfirmation) {
    pendingConfirmation(false);
  }
  const state = { timer: null };
  current = state;
  const isCurrent = () => current === state;
  const view = route();
  const main = $('#view');
  document.body.dataset.view = view.name;
  document.title = `${view.title} · Klite`;
  const section = { topic: 'topics', messages: 'topics', group: 'groups' }[view.name] ?? view.name;
  for (const item of document.querySelectorAll('nav a')) {
    item.classList.toggle('active', item.dataset.nav === section);
  }
  main.replaceChildren(h('p', { className: 'loading' }, 'Loading…'));
  main.removeAttribute('data-loaded');
  main.dataset.refreshes = '0';
  clearError();
  if (!(options && options.keepNotice)) {
    clearNotice();
  }
  $('#live').textContent = '';
  const content = h('div', { className: 'content' });
  let refresh;
  try {
    refresh = await view.start(content, isCurrent);
  } catch (e) {
    if (isCurrent()) {
      main.replaceChildren();
      showError(e, 'view');
      if (!(e instanceof ApiError) || e.status === 0 || e.status >= 500) {
        // the service is away or busy: the view tries again, as a live view would have
        state.timer = setTimeout(() => isCurrent() && show({ keepNotice: true }), 2 * REFRESH_MS);
      }
    }
    return;
  }
  if (!isCurrent()) {
    return;
  }
  main.replaceChildren(content);
  // loaded once drawn: after the next frame has been painted
  requestAnimationFrame(() => setTimeout(() => {
    if (!isCurrent()) {
      return;
    }
    if (firstLoad) {
      firstLoad = false;
      performance.mark('klite-view-loaded');
    }
    main.dataset.loaded = 'true';
  }, 0));
  if (refresh) {
    liveAt();
    schedule(state, main, refresh);
  }
}

function liveAt() {
  $('#live').textContent = `Live · ${new Date().toLocaleTimeString()}`;
}

function schedule(state, main, refresh) {
  state.timer = setTimeout(async () => {
    if (current !== state) {
      return;
    }
    if (!document.hidden) {
      try {
        await refresh();
        if (current !== state) {
          return;
        }
        clearError('refresh');
        clearError('view');
        liveAt();
        main.dataset.refreshes = String(Number(main.dataset.refreshes) + 1);
      } catch (e) {
        if (current !== state) {
          return;
        }
        showError(e, 'refresh');
      }
    }
    schedule(state, main, refresh);
  }, REFRESH_MS);
}

window.addEventListener('hashchange', () => show());
show();
