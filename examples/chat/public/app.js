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

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input('message').value.trim();
  if (text && client.send(text)) input('message').value = '';
});

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

client.addEventListener('ratelimited', (event) => {
  const { retryAfterMs } = /** @type {CustomEvent} */ (event).detail;
  notice(`Slow down: messages sent too fast were dropped (try again in ${(retryAfterMs / 1000).toFixed(1)} s)`, 'warn');
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
    case 'error':
      notice(chat.message, 'warn');
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
 */
function notice(text, tone = 'info') {
  const item = document.createElement('li');
  item.className = `notice ${tone}`;
  item.textContent = text;
  append(item);
}

/** @param {HTMLElement} item */
function append(item) {
  messages.append(item);
  stickToBottom();
}

function stickToBottom() {
  messages.scrollTop = messages.scrollHeight;
}
