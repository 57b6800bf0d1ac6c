using System.Text;

namespace HeapNotebook.Kernel.Documents;

/// <summary>
/// Writes a file through a temporary file in the same folder and a rename, so readers never see half of it.
/// The folder must exist; errors name the file asked for, never the temporary one.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    public static void WriteAllBytes(string path, byte[] bytes)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"the folder {directory} does not exist; create it first or pick another path");
        }
        var temporary = Path.Combine(directory, $".heapnb-{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (UnauthorizedAccessException error)
        {
            throw new UnauthorizedAccessException(error.Message.Replace(temporary, fullPath, StringComparison.Ordinal), error);
        }
        catch (IOException error)
        {
            throw new IOException(error.Message.Replace(temporary, fullPath, StringComparison.Ordinal), error);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
