/** Registered errors of `lumera.action.v1` (x/action/v1/types/errors.go) and the SDK errors it wraps. */
import { register } from '../audit/errors.js';

export const ActionErr = {
  ActionExpired: register('action', 1, 'action expired'),
  InvalidActionType: register('action', 2, 'invalid action type'),
  ActionNotFound: register('action', 3, 'action not found'),
  InvalidMetadata: register('action', 4, 'invalid metadata'),
  InvalidActionState: register('action', 5, 'invalid action state'),
  InvalidSignature: register('action', 7, 'invalid signature'),
  InternalError: register('action', 8, 'internal error occurred'),
  UnauthorizedSN: register('action', 10, 'unauthorized supernode'),
  InvalidPrice: register('action', 12, 'invalid price'),
  InvalidAddress: register('action', 13, 'invalid address'),
  InvalidFileSize: register('action', 15, 'invalid file size'),
} as const;

export const SdkErr = {
  InsufficientFunds: register('sdk', 5, 'insufficient funds'),
  InvalidRequest: register('sdk', 18, 'invalid request'),
  NotFound: register('sdk', 38, 'not found'),
} as const;
