import json, numpy as np
from scipy import stats, special
from scipy.spatial.distance import jensenshannon
from sklearn.metrics import roc_auc_score
rng = np.random.default_rng(7)
out = {}
cats = [([60,40],[55,45]), ([10,20,30,40],[40,30,20,10]), ([100,0,5],[90,7,3]), ([500,300,200],[520,290,190])]
out['categorical'] = []
for p,q in cats:
    P=np.array(p,float); Q=np.array(q,float)
    ps=P/P.sum(); qs=Q/Q.sum()
    pe=np.where(ps==0,1e-4,ps); qe=np.where(qs==0,1e-4,qs)
    chi = stats.chi2_contingency(np.array([p,q])[:, (P+Q)>0], correction=False)
    out['categorical'].append(dict(p=p,q=q,js=float(jensenshannon(ps,qs,base=2)),psi=float(np.sum((qe-pe)*np.log(qe/pe))),chi2=float(chi[0]),chi2p=float(chi[1]),df=int(chi[2])))
out['chi2sf'] = [dict(x=x,df=df,sf=float(stats.chi2.sf(x,df))) for x,df in [(0.5,1),(3.84,1),(25.0,1),(10.0,5),(100.0,20),(1.0,30),(300.0,3)]]
out['kolmogorov'] = [dict(x=x,sf=float(stats.kstwobign.sf(x))) for x in [0.3,0.5,0.8,1.0,1.36,2.0,3.0]]
a = np.round(rng.normal(0,1,200),3); b = np.round(rng.normal(0.3,1.2,150),3)
c = np.round(rng.integers(0,10,120).astype(float),0); d = np.round(rng.integers(1,11,90).astype(float),0)
out['numeric'] = []
for x,y in [(a,b),(c,d),(a[:40],a[40:100])]:
    ks = stats.ks_2samp(x,y)
    en = np.sqrt(len(x)*len(y)/(len(x)+len(y)))
    out['numeric'].append(dict(a=x.tolist(), b=y.tolist(), ks=float(ks.statistic), ksp=float(stats.kstwobign.sf(ks.statistic*en)), wn=float(stats.wasserstein_distance(x,y)/max(np.std(x),0.001))))
ps=[0.01,0.04,0.03,0.2,0.5,0.001,0.049,0.9]
out['bh']=dict(p=ps,q=stats.false_discovery_control(ps,method='bh').tolist())
s = np.round(rng.random(60),2); l = (rng.random(60) < 0.4 + 0.3*s).astype(int)
out['auc']=dict(scores=s.tolist(),labels=l.tolist(),auc=float(roc_auc_score(l,s)))
out['lgamma']=[dict(x=x,v=float(special.gammaln(x))) for x in [0.5,1,2.5,10,100.5]]
print(json.dumps(out))
