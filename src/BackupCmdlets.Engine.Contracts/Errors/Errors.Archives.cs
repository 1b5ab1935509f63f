namespace BackupCmdlets.Engine;

/// <summary>The errors of archives (New-TarArchive, Get-TarArchiveItem, Test-Archive, Expand-TarArchive).</summary>
public static partial class Errors
{
    public static readonly ErrorDefinition PathNotFound = new(nameof(PathNotFound), ErrorKind.ObjectNotFound, "A path given does not exist.");

    public static readonly ErrorDefinition DestinationFolderNotFound = new(nameof(DestinationFolderNotFound), ErrorKind.ObjectNotFound, "The folder an archive would be written to does not exist.");

    public static readonly ErrorDefinition ArchiveExists = new(nameof(ArchiveExists), ErrorKind.ResourceExists, "The archive exists already and -Force was not given.");

    public static readonly ErrorDefinition DestinationIsFolder = new(nameof(DestinationIsFolder), ErrorKind.InvalidArgument, "The archive path names a folder.");

    public static readonly ErrorDefinition DestinationNotRegularFile = new(nameof(DestinationNotRegularFile), ErrorKind.InvalidArgument, "The archive path (or its .sha256) is a symlink, FIFO or device: refused, with or without -Force.");

    public static readonly ErrorDefinition DestinationFull = new(nameof(DestinationFull), ErrorKind.ResourceUnavailable, "The disk filled up while the archive was written; nothing of it is left.");

    public static readonly ErrorDefinition InvalidCompressionLevel = new(nameof(InvalidCompressionLevel), ErrorKind.InvalidArgument, "A compression level outside what the compression takes: 1 to 9, for zstd 1 to 19.");

    public static readonly ErrorDefinition CompressionContradictsName = new(nameof(CompressionContradictsName), ErrorKind.InvalidArgument, "The archive's name promises another compression than the one asked for, or one not written.");

    public static readonly ErrorDefinition InvalidPattern = new(nameof(InvalidPattern), ErrorKind.InvalidArgument, "An -Exclude or -Include glob that is empty or malformed.");

    public static readonly ErrorDefinition EntryNameConflict = new(nameof(EntryNameConflict), ErrorKind.InvalidArgument, "A second file would be stored under a name the archive already holds; it is left out.");

    public static readonly ErrorDefinition SourceFileVanished = new(nameof(SourceFileVanished), ErrorKind.ObjectNotFound, "A file disappeared between the scan and the read; it is left out.");

    public static readonly ErrorDefinition SourceFileUnreadable = new(nameof(SourceFileUnreadable), ErrorKind.ReadError, "A file or folder to archive cannot be read; it is left out.");

    public static readonly ErrorDefinition SourceFileChanged = new(nameof(SourceFileChanged), ErrorKind.ReadError, "A file changed while it was read (as GNU tar's \"file changed as we read it\").");

    public static readonly ErrorDefinition SocketIgnored = new(nameof(SocketIgnored), ErrorKind.InvalidType, "A socket cannot be archived (as GNU tar's \"socket ignored\").");

    public static readonly ErrorDefinition XattrsUnreadable = new(nameof(XattrsUnreadable), ErrorKind.ReadError, "A file's extended attributes or ACLs cannot be read.");

    public static readonly ErrorDefinition NotAnArchive = new(nameof(NotAnArchive), ErrorKind.InvalidData, "The file (or folder) is not a tar archive, plain, gzip, bzip2, xz or zstd.");

    public static readonly ErrorDefinition UnsupportedCompression = new(nameof(UnsupportedCompression), ErrorKind.InvalidData, "The archive is compressed in a way not read (zip; xz with the delta, ARM64 or RISC-V filter; zstd with a dictionary or a window above 128 MiB).");

    public static readonly ErrorDefinition ArchiveTruncated = new(nameof(ArchiveTruncated), ErrorKind.InvalidData, "The archive ends before its end-of-archive marker or inside a compressed member.");

    public static readonly ErrorDefinition ArchiveCorrupt = new(nameof(ArchiveCorrupt), ErrorKind.InvalidData, "The archive is damaged: a header field, a pax record, a CRC or a compressed block.");

    public static readonly ErrorDefinition HeaderChecksumMismatch = new(nameof(HeaderChecksumMismatch), ErrorKind.InvalidData, "A tar header's checksum does not match its bytes.");

    public static readonly ErrorDefinition ChecksumFileMismatch = new(nameof(ChecksumFileMismatch), ErrorKind.InvalidData, "The archive does not match the .sha256 file beside it.");

    public static readonly ErrorDefinition SnapshotFileCorrupt = new(nameof(SnapshotFileCorrupt), ErrorKind.InvalidData, "The -SnapshotPath file is not a GNU tar snapshot file of format 2, or is damaged (the message names the byte offset); nothing was written.");

    public static readonly ErrorDefinition SparseMapInvalid = new(nameof(SparseMapInvalid), ErrorKind.InvalidData, "A GNU sparse file's map is damaged; the entry is left out, the rest is read.");

    public static readonly ErrorDefinition UnsafeEntryPath = new(nameof(UnsafeEntryPath), ErrorKind.SecurityError, "An entry with an absolute name or \"..\" is refused.");

    public static readonly ErrorDefinition SymlinkEscape = new(nameof(SymlinkEscape), ErrorKind.SecurityError, "An entry would be written through a symlink leading outside the destination.");

    public static readonly ErrorDefinition DanglingSymlink = new(nameof(DanglingSymlink), ErrorKind.ObjectNotFound, "An entry lies under a symlink that leads nowhere.");

    public static readonly ErrorDefinition SymlinkLoop = new(nameof(SymlinkLoop), ErrorKind.InvalidData, "An entry lies under symlinks that loop.");

    public static readonly ErrorDefinition ParentNotFolder = new(nameof(ParentNotFolder), ErrorKind.InvalidData, "An entry lies under a name that is not a folder.");

    public static readonly ErrorDefinition EntryNameTooLong = new(nameof(EntryNameTooLong), ErrorKind.InvalidArgument, "An entry name, or the path it would get, is longer than the system takes.");

    public static readonly ErrorDefinition HardLinkTargetMissing = new(nameof(HardLinkTargetMissing), ErrorKind.ObjectNotFound, "A hard link names an entry that was not extracted.");

    public static readonly ErrorDefinition FolderChanged = new(nameof(FolderChanged), ErrorKind.WriteError, "A folder was replaced during the extraction; its mode and time are not set.");

    public static readonly ErrorDefinition FileExists = new(nameof(FileExists), ErrorKind.ResourceExists, "A file to extract exists already and -Force was not given.");

    public static readonly ErrorDefinition UnsupportedEntry = new(nameof(UnsupportedEntry), ErrorKind.PermissionDenied, "An entry that cannot be made here (a device node when not root).");

    public static readonly ErrorDefinition ExtractFailed = new(nameof(ExtractFailed), ErrorKind.WriteError, "An entry could not be written.");

    public static readonly ErrorDefinition XattrsNotRestored = new(nameof(XattrsNotRestored), ErrorKind.WriteError, "An entry's extended attributes or ACLs could not be set.");

    public static readonly ErrorDefinition DifferenceMissing = new(nameof(DifferenceMissing), ErrorKind.InvalidData, "-Compare: an entry of the archive is missing on disk.");

    public static readonly ErrorDefinition DifferenceExtra = new(nameof(DifferenceExtra), ErrorKind.InvalidData, "-Compare: a file on disk is not in the archive.");

    public static readonly ErrorDefinition DifferenceType = new(nameof(DifferenceType), ErrorKind.InvalidData, "-Compare: an entry is of another type on disk.");

    public static readonly ErrorDefinition DifferenceContent = new(nameof(DifferenceContent), ErrorKind.InvalidData, "-Compare: the contents differ.");

    public static readonly ErrorDefinition DifferenceSize = new(nameof(DifferenceSize), ErrorKind.InvalidData, "-Compare: the sizes differ.");

    public static readonly ErrorDefinition DifferenceMode = new(nameof(DifferenceMode), ErrorKind.InvalidData, "-Compare: the permission bits differ.");

    public static readonly ErrorDefinition DifferenceModifiedTime = new(nameof(DifferenceModifiedTime), ErrorKind.InvalidData, "-Compare: the modification times differ.");

    public static readonly ErrorDefinition DifferenceLinkTarget = new(nameof(DifferenceLinkTarget), ErrorKind.InvalidData, "-Compare: a symlink's target differs.");

    public static readonly ErrorDefinition DifferenceOwner = new(nameof(DifferenceOwner), ErrorKind.InvalidData, "-Compare: owner or group differ.");
}
