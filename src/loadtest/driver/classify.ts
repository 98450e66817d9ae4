// Which kind of failure an HTTP outcome is, in the result's vocabulary.
export function statusKind(status: number): string | null {
  if (status >= 500) return 'status_5xx';
  if (status >= 400) return 'status_4xx';
  return null;
}

export function errorKind(e: unknown): string {
  // Stryker disable next-line StringLiteral: any text that is none of the codes below is the default case, as '' is
  const code = (e as { code?: string })?.code ?? '';
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
    case 'ETIMEDOUT':
    case 'ARCHSIM_TIMEOUT':
      return 'timeout';
    case 'ECONNREFUSED':
    case 'EADDRNOTAVAIL':
    case 'EHOSTUNREACH':
      return 'connect';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'reset';
    default:
      return 'other';
  }
}
