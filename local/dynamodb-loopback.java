// Starts DynamoDB Local bound to one address (loopback unless told otherwise), tied to its parent.
//
// DynamoDB Local has no option for the listen address: DynamoDBProxyServer builds a Jetty
// `new Server(port)`, whose connector binds every interface, so anyone on the same network could
// read or rewrite the tables (users.role among them). This launcher lets DynamoDB Local parse its
// own command line, sets the host of the Jetty connector before the server starts, and starts it.
//
// It also exits when its standard input closes: the local stack starts it in its own process group
// (so a terminal's Ctrl-C reaches the gateway first, which then stops DynamoDB Local last), and the
// closed pipe is how it learns that its parent died without stopping it.
//
// local/dynamodb-local.ts compiles this file once per DynamoDB Local version into a cache folder.

import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

final class LoopbackLauncher {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("campuschat.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ((ServerConnector) connector).setHost(host);
    }
    proxy.start();
    System.out.println("DynamoDB Local listening on " + host);
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // Nothing is ever sent; reading only waits for the end of the stream.
        }
      } catch (Exception ignored) {
        // A broken pipe means the same as its end.
      }
      try {
        proxy.stop();
      } catch (Exception ignored) {
        // Exiting anyway.
      }
      System.exit(0);
    });
    watchdog.setDaemon(true);
    watchdog.start();
    proxy.join();
  }
}
