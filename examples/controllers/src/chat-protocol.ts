import { IsIn, IsString, Length, Matches } from 'class-validator';

/** Path parameters of `/chat/{room}/{username}`. */
export class JoinParams {
  @IsString() @Length(1, 32) @Matches(/^[\w-]+$/, { message: 'room may contain letters, digits, _ and -' })
  room!: string;

  @IsString() @Length(1, 24) @Matches(/^[\w-]+$/, { message: 'username may contain letters, digits, _ and -' })
  username!: string;
}

/** Query string of the upgrade: the access token. */
export class JoinQuery {
  @IsString() @Length(1, 128)
  token!: string;
}

/** What a client sends. */
export class ChatInput {
  @IsIn(['message'])
  type!: 'message';

  @IsString() @Length(1, 500)
  text!: string;
}

/** What the server sends. */
export type ChatEvent =
  | { type: 'welcome'; room: string; user: string; members: string[] }
  | { type: 'join'; user: string }
  | { type: 'leave'; user: string }
  | { type: 'message'; user: string; text: string; at: string }
  | { type: 'error'; code: string; message: string };
