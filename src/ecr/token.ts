// ECR's authorization token is base64("AWS:<password>"); the password itself may contain ':'.
export interface BasicAuth {
  username: string;
  password: string;
}

export function decodeToken(token: string): BasicAuth {
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new Error('the ECR authorization token is not base64 of "<user>:<password>"');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
