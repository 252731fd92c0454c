import { describe } from 'node:test';
import { createChatRouter } from '../src/chat-router.js';
import { chatCases } from './chat-cases.js';

describe('chat example', () => {
  chatCases('router', (token) => createChatRouter({ token }));
});
