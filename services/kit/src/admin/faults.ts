/**
 * Faults an operator injects into a running process (admin port, only with FAULTS_ENABLED=true) to
 * watch the platform heal it. A zombie fails liveness and stops answering gRPC calls, as a process
 * with a deadlocked worker would; the supervisor (or kubelet) replaces it.
 */
let zombie = false;

export function becomeZombie(): void {
  zombie = true;
}

export function isZombie(): boolean {
  return zombie;
}
