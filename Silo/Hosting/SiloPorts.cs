using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Orleans.Profiles.Silo.Hosting;

/// <summary>
/// The TCP ports the silo will bind, each with the setting that chooses it, so that a port taken by another program
/// (three silos on one host all wanting health port 8080) is one line naming the port and the setting to change.
/// </summary>
public static class SiloPorts
{
    /// <summary>Every port the silo binds, where, and which setting chooses it (health port 0 picks a free one: not listed).</summary>
    public static IReadOnlyList<(IPAddress Address, int Port, string Setting)> Planned(SiloSettings settings)
    {
        var silo = settings.Silo;
        var orleans = silo.ListenOnAnyAddress ? IPAddress.Any : settings.Storage.Mode == StorageMode.Local ? IPAddress.Loopback : settings.AdvertisedAddress;
        var http = silo.ListenOnAnyAddress ? IPAddress.Any : IPAddress.Parse(settings.Health.Address);
        var gateway = silo.GatewayListenPort != 0 && silo.GatewayListenPort != silo.GatewayPort
            ? (orleans, silo.GatewayListenPort, "Silo:GatewayListenPort")
            : (orleans, silo.GatewayPort, "Silo:GatewayPort");
        List<(IPAddress, int, string)> ports = [gateway, (orleans, silo.SiloPort, "Silo:SiloPort")];
        if (settings.Health.Port != 0)
        {
            ports.Add((http, settings.Health.Port, "Health:Port"));
        }

        if (settings.Dashboard.Enabled)
        {
            ports.Add((http, settings.Dashboard.Port, "Dashboard:Port"));
        }

        return ports;
    }

    /// <summary>What stops the silo from binding its ports, as one line, or null when each is free now.</summary>
    public static string? FindBusy(SiloSettings settings)
    {
        var planned = Planned(settings);
        foreach (var same in planned.GroupBy(p => p.Port).Where(g => g.Count() > 1))
        {
            return $"{string.Join(" and ", same.Select(p => SettingNames.Describe(p.Setting)))} are set to the same port {same.Key}: give each its own.";
        }

        foreach (var (address, port, setting) in planned)
        {
            if (!IsFree(address, port))
            {
                return $"port {port} on {address} is already in use: set {SettingNames.Describe(setting)} to a free port, or stop what listens there.";
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="exception"/> (or what caused it) says a port is taken.</summary>
    public static bool IsAddressInUse(Exception? exception) => exception switch
    {
        null => false,
        AddressInUseException => true,
        SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } => true,
        AggregateException all => all.InnerExceptions.Any(IsAddressInUse),
        _ => IsAddressInUse(exception.InnerException),
    };

    /// <summary>Binds and releases the port: only "in use" counts as busy; any other failure is the real start's to report.</summary>
    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen();
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
