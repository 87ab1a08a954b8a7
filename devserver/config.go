package devserver

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
)

const (
	loopback    = "127.0.0.1"
	clusterName = "active"
	storeName   = "sqlite"

	// namespaceRefreshInterval is how soon a namespace change (a search attribute added at
	// start, an update from the CLI) reaches the services, instead of the default 10s. The
	// store is local, so the extra reads cost little.
	namespaceRefreshInterval = time.Second
)

// layout is where each service of the embedded server listens. Only the frontend is meant for
// clients; history, matching and the server's own worker talk to each other on loopback.
type layout struct {
	frontendHost string // the host the frontend binds to, possibly a wildcard
	frontendPort int
	httpPort     int // the frontend's HTTP API, which Nexus also needs
	historyPort  int
	matchingPort int
	workerPort   int
}

// newLayout resolves the frontend address (port 0 picks a free port) and picks free ports for
// the internal services.
func newLayout(frontendAddress string) (layout, error) {
	host, port, err := splitAddress(frontendAddress)
	if err != nil {
		return layout{}, fmt.Errorf("frontend %w", err)
	}
	l := layout{frontendHost: host}
	if l.frontendPort, err = bindablePort(host, port); err != nil {
		return layout{}, fmt.Errorf("frontend address %s: %w", frontendAddress, err)
	}
	if l.httpPort, err = bindablePort(host, 0); err != nil {
		return layout{}, fmt.Errorf("frontend HTTP port: %w", err)
	}
	for _, p := range []*int{&l.historyPort, &l.matchingPort, &l.workerPort} {
		if *p, err = bindablePort(loopback, 0); err != nil {
			return layout{}, fmt.Errorf("internal service port: %w", err)
		}
	}
	return l, nil
}

// frontendDialAddress is the address clients, the Web UI and the server's own services use.
func (l layout) frontendDialAddress() string {
	return joinAddress(dialHost(l.frontendHost), l.frontendPort)
}

// sqlConfig describes the SQLite store: a file reused across restarts, or a private in-memory
// database when file is empty.
func sqlConfig(file string) (*config.SQL, error) {
	conf := &config.SQL{PluginName: sqliteplugin.PluginName}
	if file == "" {
		// A random name keeps two in-memory servers in one process (tests) apart; "shared"
		// cache lets the server's many connections see the same database.
		conf.DatabaseName = "onair-" + rand.Text()
		conf.ConnectAttributes = map[string]string{"mode": "memory", "cache": "shared"}
		return conf, nil
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return nil, fmt.Errorf("database directory: %w", err)
	}
	conf.DatabaseName = file
	// setup=true has the SQLite plugin create the schema on first use and skip it when the
	// tables already exist, so a new file and a restart take the same path.
	conf.ConnectAttributes = map[string]string{"mode": "rwc", "setup": "true"}
	return conf, nil
}

// createNamespace registers the namespace and its search attributes straight in the store,
// before the server starts. It does nothing when the namespace exists (a restart on the same
// file); Start then adds any search attribute missing from it through the operator service.
func createNamespace(sql *config.SQL, namespace string, attrs map[string]enumspb.IndexedValueType) error {
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, namespace, false, attrs)
	if err != nil {
		return fmt.Errorf("namespace %s: %w", namespace, err)
	}
	if err := sqliteschema.CreateNamespaces(sql, ns); err != nil {
		return fmt.Errorf("create namespace %s: %w", namespace, err)
	}
	return nil
}

// serverConfig is the configuration of a single-host cluster with one history shard.
func serverConfig(l layout, sql *config.SQL) *config.Config {
	frontend := l.frontendDialAddress()
	conf := &config.Config{}
	conf.Persistence.DefaultStore = storeName
	conf.Persistence.VisibilityStore = storeName
	conf.Persistence.NumHistoryShards = 1
	conf.Persistence.DataStores = map[string]config.DataStore{storeName: {SQL: sql}}
	// No ClusterID: the server generates one the first time and keeps it in the store, so a
	// restart on the same file is the same cluster.
	conf.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             frontend,
				HTTPAddress:            joinAddress(dialHost(l.frontendHost), l.httpPort),
			},
		},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	conf.Services = map[string]config.Service{
		string(primitives.FrontendService): rpcService(l.frontendHost, l.frontendPort, l.httpPort),
		string(primitives.HistoryService):  rpcService(loopback, l.historyPort, 0),
		string(primitives.MatchingService): rpcService(loopback, l.matchingPort, 0),
		string(primitives.WorkerService):   rpcService(loopback, l.workerPort, 0),
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = frontend
	return conf
}

// rpcService listens for gRPC on host:grpcPort and, when httpPort is not 0, for HTTP.
func rpcService(host string, grpcPort, httpPort int) config.Service {
	var s config.Service
	s.RPC.BindOnIP = host
	s.RPC.GRPCPort = grpcPort
	s.RPC.HTTPPort = httpPort
	return s
}

// serverOptions assembles the server: all four services in this process, found through static
// hosts instead of a membership ring.
func serverOptions(conf *config.Config, l layout, logger serverLogger) []temporal.ServerOption {
	return []temporal.ServerOption{
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(map[primitives.ServiceName]static.Hosts{
			primitives.FrontendService: static.SingleLocalHost(l.frontendDialAddress()),
			primitives.HistoryService:  static.SingleLocalHost(joinAddress(loopback, l.historyPort)),
			primitives.MatchingService: static.SingleLocalHost(joinAddress(loopback, l.matchingPort)),
			primitives.WorkerService:   static.SingleLocalHost(joinAddress(loopback, l.workerPort)),
		}),
		temporal.WithLogger(logger),
		temporal.WithDynamicConfigClient(dynamicconfig.StaticClient{
			// Production defaults cache 128k workflows per host; a laptop needs far fewer.
			dynamicconfig.HistoryCacheHostLevelMaxSize.Key(): 8192,
			// The Web UI issues several visibility calls per page; the default limit throttles it.
			dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
			dynamicconfig.NamespaceCacheRefreshInterval.Key():                namespaceRefreshInterval,
		}),
	}
}
