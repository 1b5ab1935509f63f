namespace BackupCmdlets.Engine.IO;

/// <summary>A POSIX timestamp with nanoseconds, as file systems keep it (DateTime only keeps 100 ns).</summary>
public readonly record struct UnixTime(long Seconds, int Nanoseconds) : IComparable<UnixTime>
{
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
