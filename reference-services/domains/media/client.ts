export interface MediaInfo {
  id: string;
  ownerId: string;
  fileName: string;
  fileType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

export interface MediaClient {
  /** media.resolve: metadata of attachments referenced by a page of messages. */
  resolve(ids: string[]): Promise<MediaInfo[]>;
}
