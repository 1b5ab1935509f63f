namespace BackupCmdlets.Engine.Archiving;

/// <summary>The stable error ids of the archive cmdlets (FullyQualifiedErrorId and CLI messages).</summary>
public static class ArchiveErrorIds
{
    public const string PathNotFound = "PathNotFound";
    public const string DestinationFolderNotFound = "DestinationFolderNotFound";
    public const string ArchiveExists = "ArchiveExists";
    public const string NotAnArchive = "NotAnArchive";
    public const string UnsupportedCompression = "UnsupportedCompression";
    public const string ArchiveTruncated = "ArchiveTruncated";
    public const string ArchiveCorrupt = "ArchiveCorrupt";
    public const string HeaderChecksumMismatch = "HeaderChecksumMismatch";
    public const string ChecksumFileMismatch = "ChecksumFileMismatch";
    public const string UnsafeEntryPath = "UnsafeEntryPath";
    public const string SymlinkEscape = "SymlinkEscape";
    public const string DanglingSymlink = "DanglingSymlink";
    public const string SymlinkLoop = "SymlinkLoop";
    public const string ParentNotFolder = "ParentNotFolder";
    public const string EntryNameTooLong = "EntryNameTooLong";
    public const string HardLinkTargetMissing = "HardLinkTargetMissing";
    public const string FolderChanged = "FolderChanged";
    public const string SparseMapInvalid = "SparseMapInvalid";
    public const string FileExists = "FileExists";
    public const string SourceFileVanished = "SourceFileVanished";
    public const string SourceFileUnreadable = "SourceFileUnreadable";
    public const string SourceFileChanged = "SourceFileChanged";
    public const string UnsupportedEntry = "UnsupportedEntry";
    public const string ExtractFailed = "ExtractFailed";
    public const string DestinationIsFolder = "DestinationIsFolder";
    public const string DestinationNotRegularFile = "DestinationNotRegularFile";
    public const string DestinationFull = "DestinationFull";
    public const string SocketIgnored = "SocketIgnored";
    public const string XattrsUnreadable = "XattrsUnreadable";
    public const string XattrsNotRestored = "XattrsNotRestored";
    public const string InvalidPattern = "InvalidPattern";
    public const string CompressionContradictsName = "CompressionContradictsName";
    public const string EntryNameConflict = "EntryNameConflict";

    public const string DifferenceMissing = "DifferenceMissing";
    public const string DifferenceExtra = "DifferenceExtra";
    public const string DifferenceType = "DifferenceType";
    public const string DifferenceContent = "DifferenceContent";
    public const string DifferenceSize = "DifferenceSize";
    public const string DifferenceMode = "DifferenceMode";
    public const string DifferenceModifiedTime = "DifferenceModifiedTime";
    public const string DifferenceLinkTarget = "DifferenceLinkTarget";
    public const string DifferenceOwner = "DifferenceOwner";
}
