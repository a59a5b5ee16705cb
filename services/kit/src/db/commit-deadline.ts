import { status } from '@grpc/grpc-js';
import { currentCallContext } from '../context/call-context.js';
import { GrpcError } from '../grpc/grpc-error.js';

/**
 * Refuses to commit for a call whose deadline has passed: its caller was told DEADLINE_EXCEEDED (or
 * will be), so the write is rolled back rather than done behind the caller's back.
 */
export function checkDeadlineBeforeCommit(): void {
  const { deadline } = currentCallContext();
  if (deadline !== undefined && Date.now() >= deadline) {
    throw new GrpcError(status.DEADLINE_EXCEEDED, 'the deadline passed before the write was committed; nothing was written');
  }
}
