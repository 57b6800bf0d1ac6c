using System.Runtime.CompilerServices;

namespace HeapNotebook.Kernel.Tests.Display;

/// <summary>
/// Approved-output checks: the first run writes Approved/NAME (review and commit it); later runs
/// compare byte for byte, and a difference writes NAME's *.received.* beside it and fails with its path.
/// </summary>
internal static class SvgApproval
{
    public static void Verify(string name, string received, [CallerFilePath] string caller = "")
    {
        var directory = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(caller)!, "..", "Approved"));
        Directory.CreateDirectory(directory);
        var approvedPath = Path.Combine(directory, name);
        var extension = Path.GetExtension(name);
        var receivedPath = Path.Combine(directory, Path.GetFileNameWithoutExtension(name) + ".received" + extension);
        if (!File.Exists(approvedPath))
        {
            File.WriteAllText(approvedPath, received);
            return;
        }
        var approved = File.ReadAllText(approvedPath);
        if (approved == received)
        {
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, received);
        Assert.Fail($"{name} differs from the approved output; see {receivedPath} (copy it over {approvedPath} if the change is right)");
    }
}
