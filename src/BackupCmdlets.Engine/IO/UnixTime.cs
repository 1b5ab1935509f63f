namespace BackupCmdlets.Engine.IO;

/// <summary>A POSIX timestamp with nanoseconds, as file systems keep it (DateTime only keeps 100 ns).</summary>
internal readonly record struct UnixTime(long Seconds, int Nanoseconds) : IComparable<UnixTime>
{
    /// <summary>The first second a <see cref="DateTimeOffset"/> holds (0001-01-01).</summary>
    public const long MinSeconds = -62_135_596_800;

    /// <summary>The last second a <see cref="DateTimeOffset"/> holds (9999-12-31 23:59:59).</summary>
    public const long MaxSeconds = 253_402_300_799;

    public DateTimeOffset ToDateTimeOffset() =>
        DateTimeOffset.FromUnixTimeSeconds(Seconds).AddTicks(Nanoseconds / 100);

    public static UnixTime FromDateTimeOffset(DateTimeOffset value)
    {
        long ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }

        return new UnixTime(seconds, (int)(rest * 100));
    }

    public int CompareTo(UnixTime other) =>
        Seconds != other.Seconds ? Seconds.CompareTo(other.Seconds) : Nanoseconds.CompareTo(other.Nanoseconds);

    public override string ToString() => Nanoseconds == 0 ? $"{Seconds}" : $"{Seconds}.{Nanoseconds:D9}";
}
