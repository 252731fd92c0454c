// The chat example's behaviour test (examples/chat/test/chat-cases.ts), run against the chat
// written as a controller; examples/chat runs the same cases against the router DSL version.
import { describe } from 'node:test';
import { chatCases } from '@kindling/example-chat/test/chat-cases';
import { createChatRouter } from '../src/chat-router.js';

describe('controllers example', () => {
  chatCases('controller', (token) => createChatRouter({ token }));
});
