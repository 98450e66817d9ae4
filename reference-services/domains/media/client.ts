export interface MediaInfo {
  id: string;
  ownerId: string;
  fileName: string;
  fileType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

/** Whose view: only attachments `viewer` owns or was sent are resolved. */
export interface MediaAccess {
  viewer: string;
  /**
   * Attaching to a message for this recipient: only the viewer's own attachments resolve,
   * and the recipient may read them from then on.
   */
  grantTo?: string;
}

export interface MediaClient {
  /** media.resolve: metadata of the attachments of a page of messages that the viewer may see. */
  resolve(ids: string[], access: MediaAccess): Promise<MediaInfo[]>;
}
