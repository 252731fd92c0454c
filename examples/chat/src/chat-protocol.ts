import { IsString, Length, Matches } from 'class-validator';

/** Path parameters of `/chat/{room}/{username}`. */
export class JoinParams {
  @IsString()
  @Length(1, 32)
  @Matches(/^[\w-]+$/, { message: 'room may contain letters, digits, _ and -' })
  room!: string;

  @IsString()
  @Length(1, 24)
  @Matches(/^[\w-]+$/, { message: 'username may contain letters, digits, _ and -' })
  username!: string;
}

/** Query string of the upgrade: the access token. */
export class JoinQuery {
  @IsString()
  @Length(1, 128)
  token!: string;
}

/** The data of `chat.send`: one message. */
export class ChatSend {
  @IsString()
  @Length(1, 500)
  text!: string;
}

/** A message as the room sees it: `chat.send`'s reply to the sender, `chat.message` to the others. */
export interface ChatMessage {
  user: string;
  text: string;
  /** When the server accepted it, ISO 8601. */
  at: string;
}

/** The events the server sends, by type, with the data each carries. */
export interface ChatEmits {
  /** To a member who joined: the room and who is in it (the member included). */
  'chat.welcome': { room: string; user: string; members: string[] };
  /** To the others when someone joins. */
  'chat.join': { user: string };
  /** To the others when someone leaves. */
  'chat.leave': { user: string };
  /** To the others when someone says something. */
  'chat.message': ChatMessage;
}
