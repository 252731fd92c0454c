// The page: the join form, the room view, and what the connection reports.
import { ChatClient } from './chat-client.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ ($(id));

const client = new ChatClient();
const joinForm = /** @type {HTMLFormElement} */ ($('join-form'));
const composer = /** @type {HTMLFormElement} */ ($('composer'));
const messages = $('messages');
const members = $('members');
const banner = $('banner');
const status = $('status');
const joinError = $('join-error');
let me = '';

// Prefill from ?name=&room=&token= (the server log prints a link with the token), then from
// what this browser used last time.
const query = new URLSearchParams(location.search);
for (const field of ['name', 'room', 'token']) {
  const value = query.get(field) ?? localStorage.getItem(`kindling-chat.${field}`);
  if (value) input(field).value = value;
}

joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const request = { name: input('name').value.trim(), room: input('room').value.trim(), token: input('token').value };
  for (const [field, value] of Object.entries(request)) localStorage.setItem(`kindling-chat.${field}`, value);
  me = request.name;
  joinError.hidden = true;
  input('join').disabled = true;
  client.join(request);
});

// One message in flight at a time. The text stays in the box until the server accepts it: its
// reply (the message as the room sees it) clears the box and shows the message; a refusal
// leaves the text there to send again.
let sending = false;
let quietUntil = 0;
/** @type {HTMLElement | undefined} */
let slowDownNotice;
composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const box = input('message');
  const text = box.value.trim();
  if (!text || sending) return;
  if (Date.now() < quietUntil) return slowDown(quietUntil - Date.now());
  const reply = client.send(text);
  if (!reply) return;
  sending = true;
  box.readOnly = true;
  reply
    .then(
      (sent) => {
        box.value = '';
        message(sent.user, sent.text, sent.at);
      },
      (error) => {
        if (error.code === 'RATE_LIMITED') {
          const waitMs = error.details?.retryAfterMs ?? 1_000;
          quietUntil = Date.now() + waitMs;
          slowDown(waitMs);
        } else notice(`Not sent: ${error.message}`, 'warn');
      },
    )
    .finally(() => {
      sending = false;
      box.readOnly = false;
    });
});

/**
 * The rate limit refused a message. One notice, however often it happens: later refusals
 * update it and move it to the bottom instead of adding more.
 * @param {number} waitMs
 */
function slowDown(waitMs) {
  const text = `Slow down: your message was not sent, it is still in the box (try again in ${(waitMs / 1000).toFixed(1)} s)`;
  if (slowDownNotice) {
    slowDownNotice.textContent = text;
    append(slowDownNotice);
  } else slowDownNotice = notice(text, 'warn');
}

$('leave').addEventListener('click', () => {
  client.leave();
  showForm();
});

let lastState = 'offline';
client.addEventListener('state', (event) => {
  const { state, reason, delayMs, attempt } = /** @type {CustomEvent} */ (event).detail;
  if (state === 'reconnecting' && lastState === 'connected') notice(`${reason}: reconnecting…`, 'warn');
  lastState = state;
  status.textContent = state;
  status.className = `status ${state}`;
  input('message').disabled = state !== 'connected';
  input('send').disabled = state !== 'connected';
  banner.hidden = state !== 'reconnecting';
  if (state === 'reconnecting') {
    banner.textContent = `${reason}. Reconnecting in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt})…`;
  }
  stickToBottom();
  if (state === 'connecting' && $('chat').hidden) input('join').disabled = true;
});

client.addEventListener('refused', (event) => {
  const { status: httpStatus, code, message } = /** @type {CustomEvent} */ (event).detail;
  showForm();
  joinError.textContent = `${message} (${httpStatus} ${code})`;
  joinError.hidden = false;
});

client.addEventListener('reconnected', (event) => {
  const { attempts } = /** @type {CustomEvent} */ (event).detail;
  notice(`Reconnected after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`, 'good');
});

client.addEventListener('notice', (event) => {
  notice(/** @type {CustomEvent} */ (event).detail.message, 'warn');
});

client.addEventListener('chat', (event) => {
  const chat = /** @type {CustomEvent} */ (event).detail;
  switch (chat.type) {
    case 'welcome':
      showChat(chat.room, chat.members);
      break;
    case 'join':
      addMember(chat.user);
      notice(`${chat.user} joined`);
      break;
    case 'leave':
      members.querySelector(`[data-user="${CSS.escape(chat.user)}"]`)?.remove();
      notice(`${chat.user} left`);
      break;
    case 'message':
      message(chat.user, chat.text, chat.at);
      break;
  }
});

/**
 * @param {string} room
 * @param {string[]} names
 */
function showChat(room, names) {
  const first = $('chat').hidden;
  joinForm.hidden = true;
  $('chat').hidden = false;
  $('room-title').textContent = `#${room}`;
  members.replaceChildren();
  for (const name of names) addMember(name);
  if (first) {
    messages.replaceChildren();
    slowDownNotice = undefined;
    notice(`You joined #${room} as ${me}`);
    input('message').focus();
  }
}

function showForm() {
  $('chat').hidden = true;
  joinForm.hidden = false;
  input('join').disabled = false;
}

/** @param {string} name */
function addMember(name) {
  if (members.querySelector(`[data-user="${CSS.escape(name)}"]`)) return;
  const item = document.createElement('li');
  item.dataset['user'] = name;
  item.textContent = name === me ? `${name} (you)` : name;
  members.append(item);
}

/**
 * @param {string} user
 * @param {string} text
 * @param {string} at
 */
function message(user, text, at) {
  const item = document.createElement('li');
  item.className = user === me ? 'message mine' : 'message';
  const time = document.createElement('time');
  time.dateTime = at;
  time.textContent = new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const who = document.createElement('strong');
  who.textContent = user;
  const body = document.createElement('span');
  body.textContent = text;
  item.append(time, who, body);
  append(item);
}

/**
 * @param {string} text
 * @param {'info' | 'good' | 'warn'} [tone]
 * @returns {HTMLElement}
 */
function notice(text, tone = 'info') {
  const item = document.createElement('li');
  item.className = `notice ${tone}`;
  item.textContent = text;
  append(item);
  return item;
}

/** @param {HTMLElement} item */
function append(item) {
  messages.append(item);
  stickToBottom();
}

function stickToBottom() {
  messages.scrollTop = messages.scrollHeight;
}
